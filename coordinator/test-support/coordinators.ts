/** Coordinators for tests: real services on 127.0.0.1:0 over a test database, with quick timings. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminClient, type HttpTransport } from '../../protocol/network-admin-client.js';
import { DEFAULT_DEMO_IMAGE, type CoordinatorConfig } from '../config.js';
import type { SessionLimits } from '../domain/session-limits.js';
import { startCoordinator, type RunningCoordinator, type ServiceOptions } from '../service.js';
import type { EngineTarget } from './postgres-engines.js';

export interface TestCoordinatorOptions extends Omit<ServiceOptions, 'openDatabase'> {
  config?: Partial<CoordinatorConfig>;
  limits?: SessionLimits;
}

export interface TestCoordinator extends RunningCoordinator {
  logs: string[];
}

export async function startTestCoordinator(database: Pick<EngineTarget, 'open'>, options: TestCoordinatorOptions = {}): Promise<TestCoordinator> {
  const dataDir = mkdtempSync(join(tmpdir(), 'offhours-coordinator-test-'));
  const config: CoordinatorConfig = {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    databaseUrl: null,
    adminTokenFile: join(dataDir, 'admin-token'),
    embedded: true,
    demoImage: DEFAULT_DEMO_IMAGE,
    benchTargetMs: 100,
    receiptKeyFile: join(dataDir, 'receipt-key'),
    payouts: { mode: 'off' },
    ...options.config,
  };
  const logs: string[] = [];
  const running = await startCoordinator(config, {
    demoFeed: false,
    benchMaxN: 128,
    reconnectGraceMs: 1_000,
    ...options,
    maintenance: { matchIntervalMs: 200, sweepIntervalMs: 200, ...options.maintenance },
    openDatabase: () => database.open(),
    log: (line) => logs.push(line),
  });
  return Object.assign(running, { logs });
}

const fetchTransport: HttpTransport = {
  async request({ method, url, headers, body }) {
    const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.text() };
  },
};

export function testAdmin(coordinator: RunningCoordinator): AdminClient {
  return new AdminClient(coordinator.url, coordinator.adminToken, fetchTransport);
}
