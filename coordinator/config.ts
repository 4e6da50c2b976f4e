/**
 * The coordinator's command line and environment, parsed into one plain config object. Pure: argv, env and
 * the default data folder are passed in, nothing is read from the process here.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PINNED_IMAGE } from '../protocol/job-spec.js';

/**
 * busybox 1.36.1 (multi-arch index), pinned by digest: a small public image every engine can pull. Override
 * with --demo-image or OFFHOURS_DEMO_IMAGE (tests use the local registry's image).
 */
export const DEFAULT_DEMO_IMAGE = 'docker.io/library/busybox@sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662';
export const DEFAULT_COORDINATOR_PORT = 47900;

export interface CoordinatorConfig {
  host: string;
  port: number;
  dataDir: string;
  /** PostgreSQL server; null runs embedded PGlite in <dataDir>/db. */
  databaseUrl: string | null;
  /** Where the admin token is read from (or written to, 0600, when it does not exist yet). */
  adminTokenFile: string;
  /** The local test network: tokens have no value, software adapters get a demo rate, the demo feed runs. */
  embedded: boolean;
  demoImage: string;
  /** How long the timed challenge's work should take on the claimed class; null: the network's default. */
  benchTargetMs: number | null;
  /** The ed25519 key that signs receipts (created 0600 when missing); every instance of one network shares it. */
  receiptKeyFile: string;
  payouts: PayoutConfig;
}

/**
 * Where payouts settle. 'cluster': a real RPC (devnet, mainnet) with the operator's mint and treasury key.
 * 'localnet': the embedded network's own local Solana (in this process, state in <dataDir>/localnet), its mint
 * and treasury created on first start. 'off': balances accrue, nothing is paid.
 */
export type PayoutConfig =
  | { mode: 'off' }
  | { mode: 'localnet'; threshold: bigint; intervalSeconds: number }
  | { mode: 'cluster'; rpcUrl: string; mint: string; treasuryKeyFile: string; threshold: bigint; intervalSeconds: number; priorityFeeMicroLamports: bigint | null };

export class ConfigError extends Error {}

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  'admin-token-file': { type: 'string' },
  embedded: { type: 'boolean', default: false },
  'demo-image': { type: 'string' },
  'bench-target-ms': { type: 'string' },
  'receipt-key-file': { type: 'string' },
  'rpc-url': { type: 'string' },
  mint: { type: 'string' },
  'treasury-key': { type: 'string' },
  'payout-threshold': { type: 'string' },
  'payout-interval': { type: 'string' },
  'priority-fee': { type: 'string' },
} as const;

export const COORDINATOR_USAGE =
  'offhours coordinator [--port P] [--host H] [--data-dir D] [--database-url URL] [--admin-token-file F] [--embedded] [--demo-image REF] [--bench-target-ms MS] [--receipt-key-file F] [--rpc-url URL --mint ADDRESS --treasury-key FILE] [--payout-threshold BASE_UNITS] [--payout-interval SECONDS] [--priority-fee MICRO_LAMPORTS]';

/** Payouts every few minutes on a real cluster; every 30 s on the embedded network, so a first run sees one soon. */
export const DEFAULT_PAYOUT_INTERVAL_S = 300;
export const EMBEDDED_PAYOUT_INTERVAL_S = 30;
const SOLANA_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

function integerIn(text: string, name: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

function databaseUrl(text: string | undefined): string | null {
  if (text === undefined || text === '') return null;
  if (!/^postgres(ql)?:\/\//.test(text)) throw new ConfigError('--database-url must be a postgres:// or postgresql:// URL');
  return text;
}

export function parseCoordinatorArgs(argv: string[], env: Record<string, string | undefined>, defaultDataDir: string): CoordinatorConfig {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const dataDir = values['data-dir'] || join(defaultDataDir, 'coordinator');
  const demoImage = values['demo-image'] ?? env.OFFHOURS_DEMO_IMAGE ?? DEFAULT_DEMO_IMAGE;
  if (!PINNED_IMAGE.test(demoImage)) throw new ConfigError(`the demo image must be pinned by digest (name@sha256:<64 hex>), not "${demoImage}"`);
  return {
    host: values.host ?? '127.0.0.1',
    port: integerIn(values.port ?? String(DEFAULT_COORDINATOR_PORT), '--port', 0, 65535),
    dataDir,
    databaseUrl: databaseUrl(values['database-url'] ?? env.DATABASE_URL),
    adminTokenFile: values['admin-token-file'] || join(dataDir, 'admin-token'),
    embedded: values.embedded,
    demoImage,
    benchTargetMs: values['bench-target-ms'] === undefined ? null : integerIn(values['bench-target-ms'], '--bench-target-ms', 100, 10_000),
    receiptKeyFile: values['receipt-key-file'] || join(dataDir, 'receipt-key'),
    payouts: payoutConfig(values, env, values.embedded),
  };
}

function baseUnits(text: string, name: string): bigint {
  if (!/^(0|[1-9][0-9]{0,29})$/.test(text)) throw new ConfigError(`${name} must be a whole number of token base units, not "${text}"`);
  return BigInt(text);
}

function payoutConfig(values: { 'rpc-url'?: string | undefined; mint?: string | undefined; 'treasury-key'?: string | undefined; 'payout-threshold'?: string | undefined; 'payout-interval'?: string | undefined; 'priority-fee'?: string | undefined }, env: Record<string, string | undefined>, embedded: boolean): PayoutConfig {
  const threshold = baseUnits(values['payout-threshold'] ?? '0', '--payout-threshold');
  const intervalText = values['payout-interval'] ?? env.OFFHOURS_PAYOUT_INTERVAL_S;
  const intervalSeconds = intervalText === undefined ? (embedded ? EMBEDDED_PAYOUT_INTERVAL_S : DEFAULT_PAYOUT_INTERVAL_S) : integerIn(intervalText, '--payout-interval', 1, 7 * 86_400);
  const rpcUrl = values['rpc-url'];
  const named = [rpcUrl, values.mint, values['treasury-key']].filter((value) => value !== undefined).length;
  if (named > 0 && named < 3) throw new ConfigError('--rpc-url, --mint and --treasury-key go together: name all three to pay out on a cluster');
  if (rpcUrl !== undefined) {
    if (!/^https?:\/\//.test(rpcUrl)) throw new ConfigError(`--rpc-url must be an http:// or https:// URL, not "${rpcUrl}"`);
    if (!SOLANA_ADDRESS.test(values.mint ?? '')) throw new ConfigError(`--mint must be a Solana address (base58), not "${values.mint ?? ''}"`);
    const fee = values['priority-fee'];
    return { mode: 'cluster', rpcUrl, mint: values.mint as string, treasuryKeyFile: values['treasury-key'] as string, threshold, intervalSeconds, priorityFeeMicroLamports: fee === undefined ? null : baseUnits(fee, '--priority-fee') };
  }
  return embedded ? { mode: 'localnet', threshold, intervalSeconds } : { mode: 'off' };
}
