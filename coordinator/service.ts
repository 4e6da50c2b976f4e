/**
 * The composition root of one coordinator process: config → admin token → database (migrated) → store and
 * bus → the connected-provider hub → matching/sweeping → HTTP/WebSocket server → ready. Everything is built
 * here and handed down; nothing below reaches for a global. Several processes may share one database.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditReport, NetworkInfo, PayoutChainInfo } from '../protocol/network.js';
import { auditCoordinator } from './audit.js';
import { rpcAuditChain } from './chain/audit-chain.js';
import type { PayoutChain } from './chain/payout-chain.js';
import { KyselyPayoutStore } from './db/payout-store.js';
import { DEFAULT_PAYOUT_OPTIONS, PayoutEngine, type PayoutCheckpoint, type PayoutOptions } from './payouts/payout-engine.js';
import { openPayoutChain } from './payouts/payout-setup.js';
import { loadOrCreateReceiptKey, receiptIssuer } from './receipt-key.js';
import { ConfigError, COORDINATOR_USAGE, parseCoordinatorArgs, type CoordinatorConfig, type PayoutConfig } from './config.js';
import { openDatabase, type CoordinatorDatabase } from './db/database.js';
import { createBus } from './db/bus.js';
import { KyselyStore } from './db/kysely-store.js';
import type { CoordinatorBus, CoordinatorStore, DatabaseEngine } from './db/store.js';
import { DemoFeed } from './demo-feed.js';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from './domain/session-limits.js';
import { EMBEDDED_TIMED_TARGET_MS, PRODUCTION_TIMED_TARGET_MS } from './domain/timed-challenge.js';
import { AdminTokenError, loadOrCreateAdminToken } from './server/admin-token.js';
import { buildServer } from './server/app.js';
import { ProviderHub } from './server/hub.js';
import { HeartbeatBatch } from './server/heartbeat-batch.js';
import { LatencyRecorder } from './server/latency.js';
import { DEFAULT_MAINTENANCE, Maintenance, type MaintenanceOptions } from './server/matcher.js';
import { nodeTimers } from './server/timers.js';

/** A disconnected provider's session stays open this long, so a reconnect resumes it with its jobs. */
export const DEFAULT_RECONNECT_GRACE_MS = 30_000;
export const INFO_FILE = 'coordinator.json';

export interface ServiceOptions {
  clock?: () => Date;
  /** Tests open two services over one embedded database this way. */
  openDatabase?: () => Promise<CoordinatorDatabase>;
  limits?: SessionLimits;
  maintenance?: Partial<MaintenanceOptions>;
  reconnectGraceMs?: number;
  log?: (line: string) => void;
  version?: string;
  /** The demo feed runs on the embedded network unless turned off here (tests that submit their own jobs). */
  demoFeed?: boolean;
  /** Largest GEMM size of the timed challenge (tests keep it small). */
  benchMaxN?: number;
  /** A chain to pay out on instead of the one the config names (tests pass a localnet they started). */
  payoutChain?: PayoutChain;
  payoutOptions?: Partial<PayoutOptions>;
  /** Fault injection for the payout crash tests (see payout-engine.ts). */
  payoutCheckpoint?: (step: PayoutCheckpoint, batchId: string) => void;
}

export interface RunningCoordinator {
  url: string;
  port: number;
  instanceId: string;
  adminToken: string;
  adminTokenFile: string;
  engine: DatabaseEngine;
  network: NetworkInfo;
  store: CoordinatorStore;
  bus: CoordinatorBus;
  maintenance: Maintenance;
  /** Null when this network does not pay out. */
  payouts: PayoutEngine | null;
  /** The money invariants, now. */
  audit(): Promise<AuditReport>;
  close(): Promise<void>;
}

export function networkInfo(embedded: boolean): NetworkInfo {
  return embedded
    ? { coordinatorId: 'local-test-network', name: 'Local test network', kind: 'local-test', tokenHasValue: false, tokenSymbol: 'OFFT', tokenDecimals: 9, acceptsSoftwareAdapters: true }
    : { coordinatorId: 'offhours', name: 'Offhours network', kind: 'production', tokenHasValue: true, tokenSymbol: 'OFFT', tokenDecimals: 9, acceptsSoftwareAdapters: false };
}

function payoutSchedule(config: PayoutConfig): Partial<PayoutOptions> {
  return config.mode === 'off' ? {} : { threshold: config.threshold, intervalMs: config.intervalSeconds * 1000 };
}

function payoutInfo(chain: PayoutChain, options: PayoutOptions): PayoutChainInfo {
  return { cluster: chain.cluster, rpcUrl: chain.rpcUrl, mint: chain.mint, treasury: chain.treasury, thresholdBaseUnits: options.threshold.toString(), intervalSeconds: Math.max(1, Math.round(options.intervalMs / 1000)) };
}

function newId(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`;
}

function stderrLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

export async function startCoordinator(config: CoordinatorConfig, options: ServiceOptions = {}): Promise<RunningCoordinator> {
  const clock = options.clock ?? (() => new Date());
  const write = options.log ?? stderrLog;
  const log = (message: string, error?: unknown) => write(`coordinator: ${message}${error ? `: ${error instanceof Error ? error.message : String(error)}` : ''}`);
  const adminToken = loadOrCreateAdminToken(config.adminTokenFile);
  const baseNetwork = networkInfo(config.embedded);
  const issuer = await receiptIssuer(baseNetwork.coordinatorId, loadOrCreateReceiptKey(config.receiptKeyFile));
  const chain = await (options.payoutChain ? { chain: options.payoutChain, close: async () => {} } : openPayoutChain(config, log));
  const database = await (options.openDatabase?.() ?? openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir })).catch(async (error: unknown) => {
    await chain?.close();
    throw error;
  });
  const store: CoordinatorStore = new KyselyStore(database, { receiptIssuer: issuer });
  const bus = await createBus(database.connection);
  const instanceId = newId('ci');
  const timers = nodeTimers();
  const payoutOptions: PayoutOptions = { ...DEFAULT_PAYOUT_OPTIONS, ...payoutSchedule(config.payouts), exclusiveDatabase: database.engine === 'pglite' && !options.openDatabase, ...options.payoutOptions };
  const network: NetworkInfo = { ...baseNetwork, ...(chain ? { tokenDecimals: chain.chain.decimals } : {}), coordinatorPublicKey: issuer.publicKey, payouts: chain ? payoutInfo(chain.chain, payoutOptions) : null };
  const moneyMoved = (providerId: string) => void bus.publish({ kind: 'earnings', providerId }).catch((error: unknown) => log('publishing an earnings change failed', error));
  const walletChanged = (providerId: string, payoutAddress: string) =>
    void bus.publish({ kind: 'wallet-earnings', providerId, payoutAddress }).catch((error: unknown) => log('publishing a wallet change failed', error));
  const payouts = chain
    ? new PayoutEngine({
        store: new KyselyPayoutStore(database),
        chain: chain.chain,
        clock,
        timers,
        newId,
        instanceId,
        options: payoutOptions,
        log,
        onMoneyMoved: (providerIds) => providerIds.forEach(moneyMoved),
        ...(options.payoutCheckpoint ? { checkpoint: options.payoutCheckpoint } : {}),
      })
    : null;
  const audit = () => auditCoordinator({ db: database.db, coordinatorPublicKey: issuer.publicKey, chain: chain ? rpcAuditChain(chain.chain.rpcUrl) : null });
  const heartbeats = new HeartbeatBatch(store, timers, log);
  const hub = new ProviderHub({ payoutAddressOf: async (providerId) => (await store.getProvider(providerId))?.payoutAddress ?? null, log });
  hub.listen(bus);
  const startedAt = clock();
  const demo = (options.demoFeed ?? config.embedded) ? new DemoFeed({ store, bus, clock, newId, image: config.demoImage }) : null;
  const maintenance = new Maintenance({
    store,
    bus,
    hub,
    timers,
    clock,
    startedAt,
    options: { ...DEFAULT_MAINTENANCE, ...options.maintenance },
    log,
    ...(demo ? { afterPass: async () => void (await demo.tick()) } : {}),
  });
  const app = await buildServer({
    store,
    bus,
    clock,
    timers,
    random: (length) => new Uint8Array(randomBytes(length)),
    newId,
    instanceId,
    network,
    limits: options.limits ?? DEFAULT_SESSION_LIMITS,
    hub,
    matcher: maintenance,
    challengeConfig: {
      acceptsSoftwareAdapters: network.acceptsSoftwareAdapters,
      targetMs: config.benchTargetMs ?? (config.embedded ? EMBEDDED_TIMED_TARGET_MS : PRODUCTION_TIMED_TARGET_MS),
      ...(options.benchMaxN !== undefined ? { maxN: options.benchMaxN } : {}),
    },
    reconnectGraceMs: options.reconnectGraceMs ?? DEFAULT_RECONNECT_GRACE_MS,
    heartbeatLatency: new LatencyRecorder(),
    heartbeats,
    nextPayoutAt: () => payouts?.nextPayoutAt() ?? null,
    moneyMoved,
    walletChanged,
    audit,
    log,
    adminToken,
    version: options.version ?? '0.0.0',
    startedAt,
  });
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await Promise.allSettled([app.close(), bus.close()]);
    await store.close();
    await chain?.close();
    throw error;
  }
  maintenance.start();
  payouts?.start();
  const port = Number(new URL(address).port);
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await maintenance.stop();
      await payouts?.stop();
      hub.stop();
      await app.close();
      await heartbeats.close();
      timers.stop();
      await bus.close();
      // The store owns the database it was given (closing it closes the connection or PGlite).
      await store.close();
      await chain?.close();
    })());
  return { url: `http://${host}:${port}`, port, instanceId, adminToken, adminTokenFile: config.adminTokenFile, engine: database.engine, network, store, bus, maintenance, payouts, audit, close };
}

/**
 * Fault injection for the payout crash tests: with OFFHOURS_TEST_CRASH_AT=<step> (intent, signed, sent,
 * confirmed, paid) the process SIGKILLs itself right after that step of its first payout, exactly as a power
 * cut would stop it. Never set outside tests.
 */
export const CRASH_AT_ENV = 'OFFHOURS_TEST_CRASH_AT';

function crashHook(env: Record<string, string | undefined>): Pick<ServiceOptions, 'payoutCheckpoint'> {
  const step = env[CRASH_AT_ENV];
  if (!step) return {};
  return {
    payoutCheckpoint: (reached) => {
      if (reached === step) process.kill(process.pid, 'SIGKILL');
    },
  };
}

/** Written beside the database so an offline audit knows which chain this coordinator pays on. */
export const PAYOUTS_FILE = 'payouts.json';

export interface ProcessIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT). */
  stopRequested: () => Promise<void>;
  pid: number;
  version: string;
}

/** `offhours coordinator …`: starts, prints one ready line, writes coordinator.json, and closes on a signal. */
export async function runCoordinatorProcess(argv: string[], env: Record<string, string | undefined>, defaultDataDir: string, io: ProcessIo): Promise<number> {
  let config: CoordinatorConfig;
  try {
    config = parseCoordinatorArgs(argv, env, defaultDataDir);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`${error.message}\nUsage: ${COORDINATOR_USAGE}\n`);
    return 2;
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  let running: RunningCoordinator;
  try {
    running = await startCoordinator(config, { version: io.version, log: (line) => io.stderr(`${line}\n`), ...crashHook(env) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') io.stderr(`Port ${config.port} is already in use (is a coordinator already running?). Pass --port with another number.\n`);
    else if (error instanceof AdminTokenError) io.stderr(`${error.message}\n`);
    else io.stderr(`The coordinator could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (running.network.payouts) writeFileSync(join(config.dataDir, PAYOUTS_FILE), `${JSON.stringify({ ...running.network.payouts, coordinatorPublicKey: running.network.coordinatorPublicKey }, null, 2)}\n`, { mode: 0o600 });
  const infoFile = join(config.dataDir, INFO_FILE);
  writeFileSync(infoFile, `${JSON.stringify({ url: running.url, pid: io.pid, adminTokenFile: running.adminTokenFile }, null, 2)}\n`, { mode: 0o600 });
  io.stdout(`${JSON.stringify({ ready: true, url: running.url, adminTokenFile: running.adminTokenFile, instanceId: running.instanceId, database: running.engine })}\n`);
  await io.stopRequested();
  await running.close();
  rmSync(infoFile, { force: true });
  return 0;
}
