import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import type { HostFirewall } from '../jobs/ports.js';
import type { FirewallListing, GuardChain, HostInterfaceAddress } from '../jobs/egress-policy.js';

/**
 * The HostFirewall port with iptables and ip6tables (nf_tables or legacy alike), in the mangle table, and
 * os.networkInterfaces() for this PC's addresses. The only file that runs a firewall program.
 */
export class IptablesHostFirewall implements HostFirewall {
  constructor(private readonly timeoutMs = 10_000) {}

  interfaces(): HostInterfaceAddress[] {
    return Object.values(networkInterfaces()).flatMap((list) =>
      (list ?? []).filter((i) => i.family === 'IPv4' || i.family === 'IPv6').map((i) => ({ address: i.address, family: i.family })),
    );
  }

  async install(family: 'ipv4' | 'ipv6', chains: readonly GuardChain[]): Promise<void> {
    // Declaring a chain under --noflush empties it first; the new rules replace the old in one commit.
    const script = ['*mangle', ...chains.map((c) => `:${c.name} - [0:0]`), ...chains.flatMap((c) => c.rules.map((rule) => `-A ${c.name} ${rule}`)), 'COMMIT', ''].join('\n');
    await this.exec(family === 'ipv4' ? 'iptables-restore' : 'ip6tables-restore', ['-w', '5', '--noflush'], script);
    const tool = family === 'ipv4' ? 'iptables' : 'ip6tables';
    const listing = await this.list(family, chains);
    for (const chain of chains) {
      if (listing.chains[chain.name]?.jumped) continue;
      // Our jump goes first in the built-in chain: a mangle rule that ACCEPTs must not come before it.
      const printed = await this.exec(tool, ['-w', '5', '-t', 'mangle', '-S', chain.hook]);
      const ours = printed.split('\n').filter((line) => line === `-A ${chain.hook} -j ${chain.name}`).length;
      for (let i = 0; i < ours; i++) await this.exec(tool, ['-w', '5', '-t', 'mangle', '-D', chain.hook, '-j', chain.name]);
      await this.exec(tool, ['-w', '5', '-t', 'mangle', '-I', chain.hook, '1', '-j', chain.name]);
    }
  }

  /** The whole mangle table in one read (iptables-nft and legacy word a missing chain differently; a full listing needs no guessing). */
  async list(family: 'ipv4' | 'ipv6', chains: readonly GuardChain[]): Promise<FirewallListing> {
    const lines = (await this.exec(family === 'ipv4' ? 'iptables' : 'ip6tables', ['-w', '5', '-t', 'mangle', '-S'])).split('\n').map((line) => line.trim());
    const listing: FirewallListing = { chains: {} };
    for (const chain of chains) {
      const prefix = `-A ${chain.name} `;
      const exists = lines.includes(`-N ${chain.name}`);
      const firstOfHook = lines.find((line) => line.startsWith(`-A ${chain.hook} `));
      listing.chains[chain.name] = {
        rules: exists ? lines.filter((line) => line.startsWith(prefix)).map((line) => line.slice(prefix.length)) : null,
        jumped: firstOfHook === `-A ${chain.hook} -j ${chain.name}`,
      };
    }
    return listing;
  }

  private exec(command: string, args: string[], input?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(command, args, { timeout: this.timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${command} is not installed` : stderr.trim() || error.message;
        reject(new Error(`${command} ${args.join(' ')}: ${why}`));
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  }
}
