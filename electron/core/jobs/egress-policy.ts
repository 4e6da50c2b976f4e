import { isIPv4, isIPv6 } from 'node:net';
import { UserFacingError } from '../../../protocol/errors.js';
import type { EngineNetwork } from './ports.js';

/**
 * Where an egress job may not go, and the host firewall rules that say so. Pure: the addresses of this PC,
 * the guests' network and the rules the firewall lists come in as data (egress-guard.ts fetches them).
 *
 * An egress job gets the internet and nothing of the owner's: not this PC (any of its addresses, the bridge
 * gateway included), not the home network, not a carrier's or VPN's shared range, not link-local, not a
 * cloud's metadata service. The rules live in the `mangle` table because the engine's own firewall
 * (netavark's or Docker's) lives in `filter` and `nat`: an ACCEPT of theirs cannot skip a DROP of ours,
 * whatever order the chains were set up in.
 */

/** Private and special IPv4 ranges no guest may reach (RFC 1918, CGNAT, link-local with cloud metadata, and the rest of the not-internet). */
export const BLOCKED_IPV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
] as const;

/** Unique-local (fc00::/7), link-local (fe80::/10), loopback and multicast IPv6. */
export const BLOCKED_IPV6 = ['::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8'] as const;

/** The engine network every egress guest is attached to, and the bridge it gets on this PC. */
export const EGRESS_NETWORK = 'offhours-egress';
export const EGRESS_BRIDGE = 'ohegress0';
/** Public resolvers: the owner's own resolver usually sits on the home network, which guests may not reach. */
export const EGRESS_DNS = ['1.1.1.1', '9.9.9.9'] as const;
/** Names engines put in a guest's /etc/hosts that lead back to this PC; each is pointed at the guest itself. */
export const MASKED_HOST_NAMES = ['host.containers.internal', 'host.docker.internal'] as const;
export const MASKED_HOST_TARGET = '0.0.0.0';

export const CHAIN_TO_HOST = 'OFFHOURS-EGRESS-HOST';
export const CHAIN_FORWARD = 'OFFHOURS-EGRESS-FWD';

/** One address of this PC, as os.networkInterfaces() lists it. */
export interface HostInterfaceAddress {
  address: string;
  family: 'IPv4' | 'IPv6';
}

/** One chain of ours and the built-in chain that jumps to it. */
export interface GuardChain {
  name: string;
  hook: 'INPUT' | 'FORWARD';
  /** Rules in the form `iptables -S` prints them back, without "-A <chain>". */
  rules: string[];
}

export interface FirewallPlan {
  ipv4: GuardChain[];
  /** Null when this PC has no IPv6 at all (no rules needed, and ip6tables may be missing). */
  ipv6: GuardChain[] | null;
}

/** What the firewall holds now: each chain's rules as listed (null when the chain is absent), and whether the built-in chain's first rule jumps to it. */
export interface FirewallListing {
  chains: Record<string, { rules: string[] | null; jumped: boolean }>;
}

/** A single address in the form iptables prints it back (/32, /128); a CIDR stays as given. */
export function asCidr(address: string): string {
  if (address.includes('/')) return address;
  if (isIPv4(address)) return `${address}/32`;
  if (isIPv6(address)) return `${address.toLowerCase()}/128`;
  throw new Error(`"${address}" is not an IP address`);
}

/** This PC's addresses by family, loopback left out (the rules' ranges cover it), scope ids stripped, no duplicates. */
export function hostAddresses(interfaces: readonly HostInterfaceAddress[]): { ipv4: string[]; ipv6: string[] } {
  const ipv4 = new Set<string>();
  const ipv6 = new Set<string>();
  for (const { address, family } of interfaces) {
    const bare = address.split('%')[0]!;
    if (family === 'IPv4' && isIPv4(bare) && !bare.startsWith('127.')) ipv4.add(bare);
    if (family === 'IPv6' && isIPv6(bare) && bare !== '::1') ipv6.add(bare.toLowerCase());
  }
  return { ipv4: [...ipv4], ipv6: [...ipv6] };
}

/**
 * The rules for one guest network. IPv4: anything from the guests' subnet to this PC is dropped on INPUT (every
 * address the PC has or will have, the gateway included); forwarded traffic to the blocked ranges and to the PC's
 * own addresses outside them (its public address on a VPS, say) is dropped on FORWARD. IPv6: guests run with IPv6
 * switched off, and anything arriving from the guests' bridge is dropped all the same.
 */
export function firewallPlan(network: EngineNetwork, interfaces: readonly HostInterfaceAddress[]): FirewallPlan {
  if (network.subnets.length === 0) throw new Error(`The engine network ${network.name} has no IPv4 subnet.`);
  const host = hostAddresses(interfaces);
  const hostV4 = host.ipv4.map(asCidr).filter((cidr) => !BLOCKED_IPV4.some((range) => ipv4InRange(cidr, range)));
  const ipv4: GuardChain[] = [
    {
      name: CHAIN_TO_HOST,
      hook: 'INPUT',
      rules: [...network.subnets.map((subnet) => `-s ${subnet} -j DROP`), `-i ${network.bridge} -j DROP`],
    },
    {
      name: CHAIN_FORWARD,
      hook: 'FORWARD',
      rules: network.subnets.flatMap((subnet) => [...BLOCKED_IPV4, ...hostV4].map((dest) => `-s ${subnet} -d ${dest} -j DROP`)),
    },
  ];
  const hasIpv6 = interfaces.some((i) => i.family === 'IPv6');
  const ipv6: GuardChain[] | null = hasIpv6
    ? [
        { name: CHAIN_TO_HOST, hook: 'INPUT', rules: [`-i ${network.bridge} -j DROP`] },
        { name: CHAIN_FORWARD, hook: 'FORWARD', rules: [...BLOCKED_IPV6, ...host.ipv6.map(asCidr)].map((dest) => `-d ${dest} -i ${network.bridge} -j DROP`) },
      ]
    : null;
  return { ipv4, ipv6 };
}

/** What is missing or different between the plan and the listing, in words; empty when the firewall holds exactly the plan. */
export function planDifferences(wanted: readonly GuardChain[], listing: FirewallListing): string[] {
  const problems: string[] = [];
  for (const chain of wanted) {
    const found = listing.chains[chain.name];
    if (!found?.rules) {
      problems.push(`chain ${chain.name} is missing`);
      continue;
    }
    if (!found.jumped) problems.push(`${chain.hook} does not jump to ${chain.name} first`);
    const missing = chain.rules.filter((rule) => !found.rules!.includes(rule));
    const extra = found.rules.filter((rule) => !chain.rules.includes(rule));
    if (missing.length) problems.push(`${chain.name} lacks ${missing.length} rule${missing.length === 1 ? '' : 's'} (first: ${missing[0]})`);
    if (extra.length) problems.push(`${chain.name} has ${extra.length} rule${extra.length === 1 ? '' : 's'} we did not ask for (first: ${extra[0]})`);
  }
  return problems;
}

/** Where an engine runs, as far as the guard needs to know. */
export interface EgressEngineFacts {
  platform: string;
  /** The engine listens on a socket on this PC (not a remote host). */
  local: boolean;
  /** The engine runs inside a virtual machine (Docker Desktop, even on Linux): its guests' traffic never crosses this PC's firewall. */
  inVm: boolean;
  product: 'Docker' | 'Podman' | 'unknown';
  /** Rootless engines send guest traffic out through the owner's own sockets, past any forward rule. */
  rootless: boolean;
}

/** Null when a host firewall on this PC can fence egress guests in; otherwise why not, for the owner. */
export function egressUnsupported(facts: EgressEngineFacts): UserFacingError | null {
  const refuse = (why: string, next: string) => new UserFacingError('egress-unprotected', `Jobs that need the internet are refused here: ${why}`, next);
  if (facts.platform !== 'linux' || facts.inVm)
    return refuse(
      'the container engine runs inside a virtual machine whose network Offhours cannot fence off from your PC and home network.',
      'Jobs without network access still run. To take internet jobs, run Offhours on Linux with rootful Podman or Docker Engine (not Docker Desktop).',
    );
  if (!facts.local)
    return refuse(
      'the container engine is on another machine (DOCKER_HOST), whose firewall Offhours cannot set up.',
      'Point Offhours at the engine on this PC (unset DOCKER_HOST). Jobs without network access still run.',
    );
  if (facts.rootless)
    return refuse(
      'the engine is rootless, so a job’s traffic leaves through your own user’s sockets, which no firewall rule can tell apart from yours.',
      'Use the system-wide engine ("sudo systemctl enable --now podman.socket" or Docker Engine) and run Offhours as root. Jobs without network access still run.',
    );
  return null;
}

/** The refusal when the rules could not be installed or did not read back as installed. */
export function egressGuardFailed(detail: string): UserFacingError {
  const permission = /permission denied|operation not permitted|you must be root|EACCES|EPERM/i.test(detail);
  return new UserFacingError(
    'egress-unprotected',
    `Jobs that need the internet are refused here: Offhours could not put the firewall rules in place that keep them away from your PC and home network (${detail}).`,
    permission
      ? 'Run Offhours as root (the firewall needs it), e.g. "sudo offhours headless", then run "offhours doctor" again. Jobs without network access still run.'
      : 'Check that iptables works ("sudo iptables -t mangle -S"), then run "offhours doctor" again. Jobs without network access still run.',
  );
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Whether the IPv4 CIDR `inner` lies entirely inside `outer`. */
export function ipv4InRange(inner: string, outer: string): boolean {
  const [innerAddress, innerBits = '32'] = inner.split('/');
  const [outerAddress, outerBits = '32'] = outer.split('/');
  if (!isIPv4(innerAddress!) || !isIPv4(outerAddress!)) return false;
  if (Number(innerBits) < Number(outerBits)) return false;
  const bits = Number(outerBits);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((ipv4ToNumber(innerAddress!) & mask) >>> 0) === ((ipv4ToNumber(outerAddress!) & mask) >>> 0);
}
