import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../../../protocol/errors.js';
import { fromNetworkInspect, toCreateBody, toNetworkCreateBody } from '../adapters/docker-wire.js';
import { EgressGuard, engineFacts, withEgressGuard } from './egress-guard.js';
import type { HostFirewall } from './ports.js';
import {
  CHAIN_FORWARD,
  CHAIN_TO_HOST,
  egressGuardFailed,
  egressUnsupported,
  firewallPlan,
  hostAddresses,
  ipv4InRange,
  planDifferences,
  type EgressEngineFacts,
  type FirewallListing,
  type GuardChain,
  type HostInterfaceAddress,
} from './egress-policy.js';
import type { ContainerEngine, EngineInfo, EngineNetwork, GuestContainerConfig } from './ports.js';

const network: EngineNetwork = { name: 'offhours-egress', bridge: 'ohegress0', subnets: ['10.89.0.0/24'], gateways: ['10.89.0.1'] };
const interfaces: HostInterfaceAddress[] = [
  { address: '127.0.0.1', family: 'IPv4' },
  { address: '192.0.2.2', family: 'IPv4' },
  { address: '10.88.0.1', family: 'IPv4' },
  { address: '192.0.2.2', family: 'IPv4' },
  { address: '::1', family: 'IPv6' },
  { address: 'fe80::1%eth0', family: 'IPv6' },
  { address: '2001:DB8::5', family: 'IPv6' },
];
const rootful: EgressEngineFacts = { platform: 'linux', local: true, inVm: false, product: 'Podman', rootless: false };

/** The IPv4 destinations the forward chain drops, for a subnet. */
const droppedDestinations = (chains: GuardChain[]) =>
  chains.find((c) => c.name === CHAIN_FORWARD)!.rules.map((rule) => /-d (\S+)/.exec(rule)![1]!);
const dropsForwardTo = (chains: GuardChain[], address: string) => droppedDestinations(chains).some((range) => ipv4InRange(`${address}/32`, range));

describe('which destinations an egress guest may not reach', () => {
  const plan = firewallPlan(network, interfaces);

  it('drops everything from the guests to this PC, whichever of its addresses (the gateway included)', () => {
    const toHost = plan.ipv4.find((c) => c.name === CHAIN_TO_HOST)!;
    expect(toHost.hook).toBe('INPUT');
    expect(toHost.rules).toEqual(['-s 10.89.0.0/24 -j DROP', '-i ohegress0 -j DROP']);
  });

  it('drops forwarded traffic to private, CGNAT, link-local and metadata addresses, and to the PC’s own public address', () => {
    for (const address of ['10.1.2.3', '172.16.0.1', '172.31.255.254', '192.168.1.1', '100.64.0.1', '100.127.255.254', '169.254.169.254', '169.254.1.1', '192.0.2.2', '127.0.0.1', '224.0.0.251']) {
      expect(dropsForwardTo(plan.ipv4, address), address).toBe(true);
    }
    expect(plan.ipv4.find((c) => c.name === CHAIN_FORWARD)!.rules.every((rule) => rule.startsWith('-s 10.89.0.0/24 -d ') && rule.endsWith(' -j DROP'))).toBe(true);
  });

  it('leaves the internet reachable', () => {
    for (const address of ['1.1.1.1', '9.9.9.9', '203.0.113.7', '172.32.0.1', '100.128.0.1', '8.8.8.8']) expect(dropsForwardTo(plan.ipv4, address), address).toBe(false);
  });

  it('lists a host address inside a blocked range only once (through its range)', () => {
    expect(droppedDestinations(plan.ipv4)).not.toContain('10.88.0.1/32');
    expect(droppedDestinations(plan.ipv4)).toContain('192.0.2.2/32');
  });

  it('blocks unique-local, link-local and this PC’s IPv6 addresses from the guests’ bridge, and everything to the PC', () => {
    expect(plan.ipv6).toEqual([
      { name: CHAIN_TO_HOST, hook: 'INPUT', rules: ['-i ohegress0 -j DROP'] },
      {
        name: CHAIN_FORWARD,
        hook: 'FORWARD',
        rules: ['-d ::1/128 -i ohegress0 -j DROP', '-d fc00::/7 -i ohegress0 -j DROP', '-d fe80::/10 -i ohegress0 -j DROP', '-d ff00::/8 -i ohegress0 -j DROP', '-d fe80::1/128 -i ohegress0 -j DROP', '-d 2001:db8::5/128 -i ohegress0 -j DROP'],
      },
    ]);
  });

  it('needs no IPv6 rules on a PC without IPv6', () => {
    expect(firewallPlan(network, [{ address: '192.0.2.2', family: 'IPv4' }]).ipv6).toBeNull();
  });

  it('refuses a network with no IPv4 subnet (nothing to match the guests by)', () => {
    expect(() => firewallPlan({ ...network, subnets: [] }, interfaces)).toThrow(/no IPv4 subnet/);
  });

  it('reads this PC’s addresses without loopback, scope ids or duplicates', () => {
    expect(hostAddresses(interfaces)).toEqual({ ipv4: ['192.0.2.2', '10.88.0.1'], ipv6: ['fe80::1', '2001:db8::5'] });
  });
});

describe('checking the firewall against the plan', () => {
  const chains = firewallPlan(network, [{ address: '192.0.2.2', family: 'IPv4' }]).ipv4;
  const exact = (): FirewallListing => ({ chains: Object.fromEntries(chains.map((c) => [c.name, { rules: [...c.rules], jumped: true }])) });

  it('finds nothing to say when the firewall holds exactly the plan', () => {
    expect(planDifferences(chains, exact())).toEqual([]);
  });

  it('names a missing chain, a missing jump, a missing rule and a rule nobody asked for', () => {
    expect(planDifferences(chains, { chains: {} })).toEqual([`chain ${CHAIN_TO_HOST} is missing`, `chain ${CHAIN_FORWARD} is missing`]);
    const listing = exact();
    listing.chains[CHAIN_TO_HOST]!.jumped = false;
    listing.chains[CHAIN_FORWARD]!.rules = [...listing.chains[CHAIN_FORWARD]!.rules!.slice(1), '-s 10.89.0.0/24 -d 8.8.8.8/32 -j ACCEPT'];
    expect(planDifferences(chains, listing)).toEqual([
      `INPUT does not jump to ${CHAIN_TO_HOST} first`,
      `${CHAIN_FORWARD} lacks 1 rule (first: -s 10.89.0.0/24 -d 0.0.0.0/8 -j DROP)`,
      `${CHAIN_FORWARD} has 1 rule we did not ask for (first: -s 10.89.0.0/24 -d 8.8.8.8/32 -j ACCEPT)`,
    ]);
  });
});

describe('where egress can be fenced in at all', () => {
  it('on Linux, with a local rootful engine', () => {
    expect(egressUnsupported(rootful)).toBeNull();
  });

  it('refuses, saying why and what to do, on Windows and macOS, in Docker Desktop, with a remote engine, and with a rootless one', () => {
    for (const [facts, why] of [
      [{ ...rootful, platform: 'win32' }, /virtual machine/],
      [{ ...rootful, platform: 'darwin' }, /virtual machine/],
      [{ ...rootful, inVm: true }, /virtual machine/],
      [{ ...rootful, local: false }, /another machine/],
      [{ ...rootful, rootless: true }, /rootless/],
    ] as const) {
      const refusal = egressUnsupported(facts)!;
      expect(refusal).toBeInstanceOf(UserFacingError);
      expect(refusal.code).toBe('egress-unprotected');
      expect(refusal.message).toMatch(why);
      expect(refusal.nextStep).toMatch(/without network access still run/);
    }
  });

  it('knows a local socket from a remote engine, and Docker Desktop (a virtual machine even on Linux) from a native engine', () => {
    const info: EngineInfo = { product: 'Docker', version: '27', os: 'Ubuntu 24.04', nvidiaRuntime: false, cdiDevices: [], dataRoot: null };
    expect(engineFacts('unix:///var/run/docker.sock', info, 'linux')).toEqual({ platform: 'linux', local: true, inVm: false, product: 'Docker', rootless: false });
    expect(engineFacts('tcp://10.0.0.5:2375', info, 'linux').local).toBe(false);
    expect(engineFacts('unix:///home/me/.docker/desktop/docker.sock', { ...info, os: 'Docker Desktop' }, 'linux').inVm).toBe(true);
    expect(engineFacts('unix:///run/user/1000/podman/podman.sock', { ...info, rootless: true }, 'linux').rootless).toBe(true);
  });

  it('tells the owner to run as root when the firewall said permission denied', () => {
    expect(egressGuardFailed('iptables-restore: Permission denied (you must be root)').nextStep).toMatch(/as root/);
    expect(egressGuardFailed('iptables is not installed').nextStep).toMatch(/iptables works/);
  });
});

/** A firewall in memory; `sticky: false` forgets what it was told (a firewall that does not keep rules). */
function memoryFirewall(options: { sticky?: boolean; addresses?: HostInterfaceAddress[] } = {}) {
  const held: FirewallListing = { chains: {} };
  const calls = { install: 0 };
  const firewall: HostFirewall = {
    interfaces: () => options.addresses ?? [{ address: '192.0.2.2', family: 'IPv4' }],
    install: async (_family, chains) => {
      calls.install++;
      if (options.sticky === false) return;
      for (const chain of chains) held.chains[chain.name] = { rules: [...chain.rules], jumped: true };
    },
    list: async () => structuredClone(held),
  };
  return { firewall, calls, held };
}

const networkEngine = (result: EngineNetwork | Error = network) => ({
  asked: 0,
  async ensureNetwork() {
    this.asked++;
    if (result instanceof Error) throw result;
    return result;
  },
});

describe('EgressGuard', () => {
  it('installs the rules, reads them back, and hands out the guarded network with public DNS and the host names masked', async () => {
    const { firewall, calls } = memoryFirewall();
    const attachment = await new EgressGuard(networkEngine(), rootful, firewall).prepare();
    expect(attachment).toEqual({ network: 'offhours-egress', dns: ['1.1.1.1', '9.9.9.9'], hosts: { 'host.containers.internal': '0.0.0.0', 'host.docker.internal': '0.0.0.0' } });
    expect(calls.install).toBe(1);
  });

  it('checks again at every start, and reinstalls only when the firewall no longer holds the plan', async () => {
    const { firewall, calls, held } = memoryFirewall();
    const guard = new EgressGuard(networkEngine(), rootful, firewall);
    await guard.prepare();
    await guard.prepare();
    expect(calls.install).toBe(1);
    held.chains[CHAIN_FORWARD]!.rules = []; // someone flushed it
    await guard.prepare();
    expect(calls.install).toBe(2);
  });

  it('refuses when the rules do not read back after installing', async () => {
    const { firewall } = memoryFirewall({ sticky: false });
    await expect(new EgressGuard(networkEngine(), rootful, firewall).prepare()).rejects.toThrow(/refused here.*does not hold them after installing: chain OFFHOURS-EGRESS-HOST is missing/);
  });

  it('refuses when the network is someone else’s, and never touches the firewall where it cannot fence', async () => {
    const { firewall, calls } = memoryFirewall();
    await expect(new EgressGuard(networkEngine(new Error('a network named offhours-egress exists that Offhours did not create; remove or rename it')), rootful, firewall).prepare()).rejects.toThrow(
      /refused here.*did not create/,
    );
    const engine = networkEngine();
    await expect(new EgressGuard(engine, { ...rootful, rootless: true }, firewall).prepare()).rejects.toThrow(/rootless/);
    expect(engine.asked).toBe(0);
    expect(calls.install).toBe(0);
  });

  it('attaches egress guests, and only them, to the guarded network right before they are created', async () => {
    const created: GuestContainerConfig[] = [];
    const engine = { endpoint: 'unix:///run/podman/podman.sock', createContainer: async (config: GuestContainerConfig) => (created.push(config), 'id') } as unknown as ContainerEngine;
    const guarded = withEgressGuard(engine, new EgressGuard(networkEngine(), rootful, memoryFirewall().firewall));
    const base = { name: 'g', image: 'i', command: [], env: {}, user: '65534:65534', labels: {}, memoryBytes: 1, nanoCpus: 1, pidsLimit: 1, tmpfs: {}, gpu: null };
    await guarded.createContainer({ ...base, network: 'none' });
    await guarded.createContainer({ ...base, network: 'egress' });
    expect(created[0]!.egress).toBeUndefined();
    expect(created[1]!.egress?.network).toBe('offhours-egress');
    expect(guarded.endpoint).toBe('unix:///run/podman/podman.sock');
  });
});

describe('the egress guest on the wire', () => {
  const base: GuestContainerConfig = { name: 'g', image: 'i', command: [], env: {}, user: '65534:65534', labels: {}, memoryBytes: 1, nanoCpus: 1, pidsLimit: 1, tmpfs: {}, network: 'egress', gpu: null };

  it('is never put on the engine’s default bridge', () => {
    expect(() => toCreateBody(base)).toThrow(/no guarded network/);
  });

  it('joins the guarded network with public DNS, the host names masked and IPv6 off', () => {
    const host = toCreateBody({ ...base, egress: { network: 'offhours-egress', dns: ['1.1.1.1'], hosts: { 'host.containers.internal': '0.0.0.0' } } }).HostConfig!;
    expect(host.NetworkMode).toBe('offhours-egress');
    expect(host.Dns).toEqual(['1.1.1.1']);
    expect(host.ExtraHosts).toEqual(['host.containers.internal:0.0.0.0']);
    expect(host.Sysctls).toEqual({ 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1' });
  });

  it('creates the network with our label and bridge name, and takes back only a network that carries our label', () => {
    expect(toNetworkCreateBody('offhours-egress', 'ohegress0')).toMatchObject({ Driver: 'bridge', Labels: { 'io.offhours.managed': 'true' }, Options: { 'com.docker.network.bridge.name': 'ohegress0' } });
    const inspect = { Name: 'offhours-egress', Driver: 'bridge', Labels: { 'io.offhours.managed': 'true' }, Options: {}, IPAM: { Config: [{ Subnet: '10.89.0.0/24', Gateway: '10.89.0.1' }, { Subnet: 'fd00::/64' }] } };
    expect(fromNetworkInspect(inspect as never, 'ohegress0')).toEqual(network);
    expect(() => fromNetworkInspect({ ...inspect, Labels: {} } as never, 'ohegress0')).toThrow(/did not create/);
  });
});
