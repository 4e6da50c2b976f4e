import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobSpecHash, type JobSpec } from '../../../protocol/job-spec.js';
import { IptablesHostFirewall } from '../adapters/host-firewall-iptables.js';
import type { Logger } from '../ports.js';
import { EgressGuardedConnector } from './egress-guard.js';
import type { HostFirewall } from './ports.js';
import { CHAIN_FORWARD, CHAIN_TO_HOST, EGRESS_BRIDGE, EGRESS_NETWORK, firewallPlan, ipv4InRange, planDifferences } from './egress-policy.js';
import { LABEL_INSTANCE, LABEL_JOB_ID, type ContainerEngine } from './ports.js';
import { JobJournal } from './journal.js';
import { DEFAULT_RUNNER_OPTIONS, JobRunner } from './runner.js';
import { startFakeInternet, type FakeInternet } from './test-support/fake-internet.js';
import { findTestEngine, type TestEngine } from './test-support/test-engine.js';

/**
 * Egress jobs on the real engine (`source scripts/test-env.sh`, rootful Podman, run as root): a guest may reach
 * the "internet" (a namespace beyond the host, test-support/fake-internet.ts) and nothing of the owner's.
 */
const found = await findTestEngine();
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const INSTANCE = `egress-test-${process.pid}`;
/** The host firewall and the stand-in internet need root; a rootless engine cannot be fenced at all (and is refused). */
const notRoot = process.getuid?.() !== 0;
if (found && notRoot) {
  if (process.env.CI === 'true') throw new Error('The egress tests need root (host firewall rules, a network namespace for the stand-in internet).');
  process.stderr.write('\n*** SKIPPED: egress tests on the real engine need root ***\n\n');
}

async function until<T>(what: string, probe: () => T | null | undefined | false, seen: () => unknown, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(seen())}`);
    await sleep(100);
  }
}

/** The guest's side: which targets answer, with what, and how its network looks. */
function probeScript(ownerPort: number, targets: Array<{ label: string; host: string; port: number }>): string {
  const probes = targets.map((t) => `probe ${t.label} ${t.host} ${t.port} &`).join('\n');
  return `
gw=$(busybox ip route | busybox awk '/^default/ {print $3}')
echo "route: $(busybox ip route | busybox grep ^default)"
echo "eth0: $(busybox ip -4 addr show eth0 | busybox grep inet)"
echo "ipv6-off: $(cat /proc/sys/net/ipv6/conf/all/disable_ipv6)"
busybox grep -v '^#' /etc/hosts | while read address names; do echo "hosts: $address $names"; done
probe() { r=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 3 $2 $3 2>&1 | busybox tail -1); case "$r" in owner|internet) echo "REACHED $1 $r";; *) echo "FAILED $1 $r";; esac; }
probe gateway $gw ${ownerPort} &
${probes}
wait
echo PROBES-DONE
sleep 60`;
}

describe.skipIf(!found || notRoot)('egress jobs on the real engine', () => {
  const { engine: rawEngine, localImage } = found ?? { engine: null as unknown as TestEngine['engine'], localImage: '' };
  let dir = '';
  let pinned = '';
  let owner: Server;
  let ownerHits = 0;
  let internet: FakeInternet | string = 'not started';
  let serial = 0;

  const spec = (command: string): JobSpec => ({
    id: `e${process.pid}-${Date.now().toString(36)}-${serial++}`,
    image: pinned,
    command: ['/bin/sh', '-c', command],
    env: {},
    resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 16 },
    maxDurationSeconds: 120,
    network: 'egress',
    price: { perSecond: '1' },
  });

  const guarded = async (firewall: HostFirewall = new IptablesHostFirewall()): Promise<ContainerEngine> => {
    const connector = new EgressGuardedConnector({ connect: async () => ({ ok: true, engine: rawEngine, info: await rawEngine.info() }) }, firewall, process.platform);
    const connection = await connector.connect();
    if (!connection.ok) throw new Error('no engine');
    return connection.engine;
  };

  const runnerOn = (engine: ContainerEngine) =>
    new JobRunner(engine, { product: 'Podman', version: 'test', os: 'linux', nvidiaRuntime: false, cdiDevices: [], dataRoot: null }, new JobJournal(join(dir, `journal-${serial++}.jsonl`)), { now: () => Date.now() }, quiet, {
      ...DEFAULT_RUNNER_OPTIONS,
      graceSeconds: 1,
      heartbeatMs: 200,
      minFreeDiskBytes: 0,
      instanceId: INSTANCE,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'offhours-egress-'));
    pinned = (await rawEngine.inspectImage(localImage))!.repoDigests.find((d) => d.startsWith('localhost/offhours-test@'))!;
    // The owner's service, bound to every address of this PC.
    owner = createServer((_request, response) => {
      ownerHits++;
      response.end('owner\n');
    });
    await new Promise<void>((resolve) => owner.listen(0, '0.0.0.0', resolve));
    internet = await startFakeInternet(String(process.pid % 100_000));
  });

  afterAll(async () => {
    if (typeof internet !== 'string') internet.close();
    owner?.close();
    for (const c of await rawEngine.listManagedContainers()) if (c.labels[LABEL_INSTANCE] === INSTANCE) await rawEngine.removeContainer(c.id);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reaches the internet, but not the gateway, any address of this PC, host.containers.internal or cloud metadata', async () => {
    if (typeof internet === 'string') throw new Error(`This test needs root and iproute2 to stand in for the internet: ${internet}`);
    const ownerPort = (owner.address() as AddressInfo).port;
    const hostAddresses = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((i) => i.family === 'IPv4' && !i.internal)
      .map((i) => i.address);
    expect(hostAddresses.length).toBeGreaterThan(0);
    const targets = [
      ...hostAddresses.map((address) => ({ label: `host-${address}`, host: address, port: ownerPort })),
      { label: 'host.containers.internal', host: 'host.containers.internal', port: ownerPort },
      { label: 'host.docker.internal', host: 'host.docker.internal', port: ownerPort },
      { label: 'metadata', host: internet.metadataAddress, port: internet.port },
      { label: 'internet', host: internet.publicAddress, port: internet.port },
    ];
    const engine = await guarded();
    const runner = runnerOn(engine);
    const job = spec(probeScript(ownerPort, targets));
    const { done } = runner.start(job, jobSpecHash(job), 'local');
    let ended: unknown = null;
    void done.then((result) => (ended = result));
    const lines = await until('the probes', () => {
      const tail = runner.view()?.logTail ?? [];
      return tail.includes('PROBES-DONE') ? tail : null;
    }, () => runner.view() ?? ended);
    await runner.stop('test over');
    await done;

    const verdicts = Object.fromEntries(lines.filter((l) => /^(REACHED|FAILED) /.test(l)).map((l) => [l.split(' ')[1]!, l]));
    // The job has a network, the guarded one: an address in its subnet, a default route, and the forwarded path to the "internet" works.
    const { subnets } = await rawEngine.ensureNetwork(EGRESS_NETWORK, EGRESS_BRIDGE);
    const address = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(lines.find((l) => l.startsWith('eth0:')) ?? '')?.[1];
    expect(subnets.some((subnet) => ipv4InRange(`${address}/32`, subnet)), `${address} in ${subnets.join(', ')}`).toBe(true);
    expect(lines.find((l) => l.startsWith('route:'))).toMatch(/default via \d+\.\d+\.\d+\.\d+ dev eth0/);
    expect(verdicts.internet).toBe('REACHED internet internet');
    // Nothing of the owner's answers.
    for (const label of ['gateway', ...hostAddresses.map((a) => `host-${a}`), 'host.containers.internal', 'host.docker.internal', 'metadata']) {
      expect(verdicts[label], label).toMatch(/^FAILED /);
    }
    expect(ownerHits).toBe(0);
    // The names that lead back to this PC point at the guest itself, and no address of this PC is in its hosts file.
    const hosts = lines.filter((l) => l.startsWith('hosts: '));
    expect(hosts.filter((l) => /host\.(containers|docker)\.internal/.test(l))).toEqual(['hosts: 0.0.0.0 host.containers.internal', 'hosts: 0.0.0.0 host.docker.internal']);
    for (const address of hostAddresses) expect(hosts.join('\n')).not.toContain(`${address} `);
    expect(lines).toContain('ipv6-off: 1');
  }, 60_000);

  it('refuses an egress job, creating no container, when the firewall rules cannot be put in place', async () => {
    const denied: HostFirewall = {
      interfaces: () => [{ address: '192.0.2.2', family: 'IPv4' }],
      list: async () => ({ chains: {} }),
      install: async () => {
        throw new Error('iptables-restore: Permission denied (you must be root)');
      },
    };
    const engine = await guarded(denied);
    const runner = runnerOn(engine);
    const job = spec('echo should-not-run');
    const result = await runner.start(job, jobSpecHash(job), 'local').done;
    expect(result.outcome).toBe('error');
    expect(result.reason).toMatch(/Jobs that need the internet are refused here/);
    expect(result.reason).toMatch(/Run Offhours as root/);
    expect((await rawEngine.listManagedContainers()).filter((c) => c.labels[LABEL_JOB_ID] === job.id)).toEqual([]);
  });

  it('puts the rules back at the next start when someone flushed them or put a rule ahead of them', async () => {
    const firewall = new IptablesHostFirewall();
    const connector = new EgressGuardedConnector({ connect: async () => ({ ok: false, problem: { kind: 'missing', tried: [] } }) }, firewall, process.platform);
    const guard = connector.guardFor(rawEngine, await rawEngine.info());
    await guard.prepare();
    const plan = firewallPlan(await rawEngine.ensureNetwork(EGRESS_NETWORK, EGRESS_BRIDGE), firewall.interfaces());
    const intruder = ['-s', '198.18.0.1/32', '-j', 'ACCEPT'];
    try {
      execFileSync('iptables', ['-w', '5', '-t', 'mangle', '-F', CHAIN_FORWARD]);
      execFileSync('iptables', ['-w', '5', '-t', 'mangle', '-I', 'INPUT', '1', ...intruder]);
      expect(planDifferences(plan.ipv4, await firewall.list('ipv4', plan.ipv4))).toEqual([
        `INPUT does not jump to ${CHAIN_TO_HOST} first`,
        `${CHAIN_FORWARD} lacks ${plan.ipv4[1]!.rules.length} rules (first: ${plan.ipv4[1]!.rules[0]})`,
      ]);
      await guard.prepare();
      expect(planDifferences(plan.ipv4, await firewall.list('ipv4', plan.ipv4))).toEqual([]);
    } finally {
      execFileSync('iptables', ['-w', '5', '-t', 'mangle', '-D', 'INPUT', ...intruder]);
    }
  });
});
