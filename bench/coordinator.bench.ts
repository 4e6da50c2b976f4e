/**
 * The network side at scale (issue 8):
 *  - heartbeats: 5,000 simulated providers on loopback enrol with signed hellos and heartbeat every 5 s
 *    against a real `offhours coordinator` process (embedded PGlite); the coordinator's own heartbeat handling
 *    times (arrival → stored, from its admin status), its CPU and RSS. Bounded and self-stopping.
 *  - matching: jobs matched per second with 5,000 providers and 10,000 queued jobs, on PGlite and PostgreSQL.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { generateSecretKey, memorySigner } from '../protocol/bench/signing.js';
import { signHello } from '../protocol/network-signing.js';
import { CoordinatorMessageSchema, CoordinatorStatusSchema, HEARTBEAT_INTERVAL_MS, NETWORK_PROTOCOL_VERSION, PROVIDER_WS_PATH } from '../protocol/network.js';
import { openDatabase } from '../coordinator/db/database.js';
import { KyselyStore } from '../coordinator/db/kysely-store.js';
import { measureMatching, seedMatchingBench } from '../coordinator/test-support/postgres-seed.js';
import { postgresAvailability, startTestPostgres } from '../coordinator/test-support/postgres.js';
import { spawnReadyCli } from '../coordinator/test-support/cli-process.js';
import { testReceiptIssuer } from '../coordinator/test-support/receipts.js';
import type { BenchFigure, BenchSuite } from './figure.js';

const PROVIDERS = Number(process.env.OFFHOURS_BENCH_PROVIDERS ?? 5_000);
/** Connections per loopback source address (127.0.0.x): the coordinator limits new connections per client address. */
const PER_ADDRESS = 100;
const STEADY_SECONDS = Number(process.env.OFFHOURS_BENCH_STEADY_SECONDS ?? 30);
/** Enrolment stops taking new providers after this; the heartbeat window then runs with those enrolled. */
const ENROL_BUDGET_MS = Number(process.env.OFFHOURS_BENCH_ENROL_SECONDS ?? 240) * 1000;
const QUEUED_JOBS = 10_000;
/** Jobs claimed per matching pass (the service's setting on PGlite, where one pass holds the database). */
const MATCH_BATCH = 100;

export const coordinatorSuite: BenchSuite = {
  name: 'coordinator',
  async run() {
    return [...(await heartbeatFigures()), ...(await matchingFigures())];
  },
};

interface Coordinator {
  child: ChildProcess;
  url: string;
  token: string;
  /** What it wrote to stderr (shown when the bench fails). */
  output(): string;
}

async function startCoordinatorProcess(dataDir: string): Promise<Coordinator> {
  const node = await spawnReadyCli<{ url: string; adminTokenFile: string }>(['coordinator', '--data-dir', dataDir, '--port', '0'], { timeoutMs: 60_000 });
  return { child: node.child, url: node.ready.url, token: readFileSync(node.ready.adminTokenFile, 'utf8').trim(), output: node.output };
}

/** utime + stime of a process in clock ticks (Linux), and its resident set in MiB. */
function processUsage(pid: number): { ticks: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { ticks: Number(fields[11]) + Number(fields[12]), rssMiB: rssKiB / 1024 };
}

/** One simulated provider: enrols, declines the timed benchmark (this measures heartbeats), then heartbeats. */
class SimulatedProvider {
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  errors = 0;

  private constructor(private readonly socket: WebSocket) {}

  static async connect(url: string, localAddress: string): Promise<SimulatedProvider> {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}${PROVIDER_WS_PATH}`, { localAddress, perMessageDeflate: false });
    const provider = new SimulatedProvider(socket);
    await provider.enrol();
    return provider;
  }

  private enrol(): Promise<void> {
    const signer = memorySigner(generateSecretKey());
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('enrolment timed out')), 120_000);
      this.socket.once('error', reject);
      this.socket.on('message', (data) => {
        const message = CoordinatorMessageSchema.parse(JSON.parse(String(data)));
        if (message.type === 'welcome') {
          void signer.publicKeyHex().then(async (devicePublicKey) => {
            const hello = await signHello(
              { protocolVersion: NETWORK_PROTOCOL_VERSION, coordinatorNonce: message.coordinatorNonce, devicePublicKey, payoutAddress: '', gpus: [{ name: 'Simulated GPU', vendor: 'other', vramMiB: 8192 }], minPricePerGpuHour: '0', appVersion: 'bench', resumeSessionId: null, backends: ['webgpu'], runningJobIds: [] },
              signer,
            );
            this.socket.send(JSON.stringify(hello));
          });
        } else if (message.type === 'enrolled') {
          clearTimeout(timeout);
          resolve();
        } else if (message.type === 'ping') {
          this.send({ type: 'pong', seq: this.nextSeq(), pingId: message.pingId });
        } else if (message.type === 'bench-challenge') {
          this.send({ type: 'bench-failed', seq: this.nextSeq(), challengeId: message.challengeId, code: 'simulated', message: 'A simulated provider has no GPU to time.' });
        } else if (message.type === 'error') {
          this.errors += 1;
        }
      });
    });
  }

  /** Heartbeats every interval, the first after `offsetMs` (offsets spread the load evenly). */
  startHeartbeats(offsetMs: number): void {
    const beat = () => this.send({ type: 'heartbeat', seq: this.nextSeq(), availability: 'waiting', reason: 'owner-active' });
    this.timer = setTimeout(() => {
      beat();
      this.timer = setInterval(beat, HEARTBEAT_INTERVAL_MS);
    }, offsetMs);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.socket.terminate();
  }

  private nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  private send(frame: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }
}

async function heartbeatFigures(): Promise<BenchFigure[]> {
  if (process.platform !== 'linux') return [{ name: 'coordinator.heartbeat_p99', value: 0, unit: 'ms', goal: '< 20 ms', note: 'skipped: needs Linux (/proc and the 127.0.0.0/8 loopback range)' }];
  const dataDir = mkdtempSync(join(tmpdir(), 'offhours-bench-coordinator-'));
  const coordinator = await startCoordinatorProcess(dataDir);
  const providers: SimulatedProvider[] = [];
  try {
    const enrolStarted = performance.now();
    for (let from = 0; from < PROVIDERS && performance.now() - enrolStarted < ENROL_BUDGET_MS; from += PER_ADDRESS) {
      const address = `127.0.${1 + Math.floor(from / PER_ADDRESS / 250)}.${1 + ((from / PER_ADDRESS) % 250)}`;
      const batch = await Promise.all(Array.from({ length: Math.min(PER_ADDRESS, PROVIDERS - from) }, () => SimulatedProvider.connect(coordinator.url, address)));
      providers.push(...batch);
    }
    const enrolSeconds = (performance.now() - enrolStarted) / 1000;
    providers.forEach((provider, i) => provider.startHeartbeats(Math.floor((i / providers.length) * HEARTBEAT_INTERVAL_MS)));
    // One interval to settle (every provider has sent its first heartbeat), then the measured window.
    await sleep(HEARTBEAT_INTERVAL_MS + 1000);
    const before = processUsage(coordinator.child.pid!);
    const startedAt = performance.now();
    await sleep(STEADY_SECONDS * 1000);
    const after = processUsage(coordinator.child.pid!);
    const wallSeconds = (performance.now() - startedAt) / 1000;
    if (coordinator.child.exitCode !== null) throw new Error(`the coordinator exited (${coordinator.child.exitCode}): ${coordinator.output().slice(-2000)}`);
    const status = CoordinatorStatusSchema.parse(await (await fetch(`${coordinator.url}/v1/admin/status`, { headers: { authorization: `Bearer ${coordinator.token}` }, signal: AbortSignal.timeout(60_000) })).json());
    const errors = providers.reduce((sum, p) => sum + p.errors, 0);
    const cpuPercent = ((after.ticks - before.ticks) / 100 / wallSeconds) * 100;
    const beats = status.heartbeats;
    const note = `${providers.length} of ${PROVIDERS} providers enrolled within ${ENROL_BUDGET_MS / 1000} s (${status.providers.connected} connected), heartbeat every ${HEARTBEAT_INTERVAL_MS / 1000} s, ${STEADY_SECONDS} s window, PGlite; ${beats?.count ?? 0} heartbeats handled, ${errors} error frames`;
    return [
      { name: 'coordinator.heartbeat_p50', value: beats?.p50Ms ?? -1, unit: 'ms', goal: null, note },
      { name: 'coordinator.heartbeat_p99', value: beats?.p99Ms ?? -1, unit: 'ms', goal: '< 20 ms', note },
      { name: 'coordinator.heartbeat_cpu', value: round(cpuPercent), unit: '% of one core', goal: null, note: 'coordinator process only, during the heartbeat window' },
      { name: 'coordinator.heartbeat_rss', value: round(after.rssMiB), unit: 'MiB', goal: null, note: `coordinator process, ${providers.length} open sessions` },
      { name: 'coordinator.enrolled_per_second', value: round(providers.length / enrolSeconds), unit: 'providers/s', goal: null, note: `signed hello → enrolled (with a timed benchmark the simulated provider declines), 100 at a time per source address; ${providers.length} in ${round(enrolSeconds)} s` },
    ];
  } finally {
    for (const provider of providers) provider.close();
    coordinator.child.kill('SIGTERM');
    await new Promise((resolve) => coordinator.child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function matchingFigures(): Promise<BenchFigure[]> {
  const figures = [await matchingOn('pglite', undefined)];
  const postgres = postgresAvailability();
  if (!postgres.available) {
    figures.push({ name: 'coordinator.matching_postgres', value: 0, unit: 'jobs/s', goal: null, note: `skipped: ${postgres.why}` });
    return figures;
  }
  const server = await startTestPostgres();
  try {
    figures.push(await matchingOn('postgres', server.url));
  } finally {
    await server.release();
  }
  return figures;
}

async function matchingOn(engine: 'pglite' | 'postgres', databaseUrl: string | undefined): Promise<BenchFigure> {
  const database = await openDatabase(databaseUrl ? { databaseUrl } : {});
  try {
    const now = new Date();
    await seedMatchingBench(database, { providers: PROVIDERS, jobs: QUEUED_JOBS, now });
    const result = await measureMatching(new KyselyStore(database, { receiptIssuer: await testReceiptIssuer() }), now, MATCH_BATCH);
    return {
      name: `coordinator.matching_${engine}`,
      value: result.jobsPerSecond,
      unit: 'jobs/s',
      goal: null,
      note: `${result.matched} offers in ${result.passes} passes of ${MATCH_BATCH} (${PROVIDERS} providers, ${QUEUED_JOBS} queued jobs)`,
    };
  } finally {
    await database.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
