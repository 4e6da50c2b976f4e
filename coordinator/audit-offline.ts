/**
 * `offhours coordinator audit --data-dir D` when no coordinator runs from D: opens its database (embedded
 * PGlite in D/db, or --database-url), reads its receipt key, and checks the chain it pays on (payouts.json,
 * written at start). An embedded network's local Solana is started over its own folder for the length of the
 * audit. D may also be an app's data folder holding its embedded network (D/network).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PayoutChainInfoSchema, type AuditReport } from '../protocol/network.js';
import { memorySigner } from '../protocol/bench/signing.js';
import { auditCoordinator, type AuditChain } from './audit.js';
import { rpcAuditChain } from './chain/audit-chain.js';
import { openDatabase } from './db/database.js';
import { loadOrCreateReceiptKey } from './receipt-key.js';
import { PAYOUTS_FILE } from './service.js';

export class AuditSetupError extends Error {}

const PayoutsFileSchema = PayoutChainInfoSchema.extend({ coordinatorPublicKey: z.string().optional() });

/** Where a coordinator's folder may be, given D: D itself, an app's embedded network (D/network), or D/coordinator. */
export function coordinatorDirCandidates(dataDir: string): string[] {
  return [dataDir, join(dataDir, 'network'), join(dataDir, 'coordinator')];
}

/** The first candidate folder that holds a coordinator's data (its database or receipt key). */
export function coordinatorDirOf(dataDir: string): string {
  const found = coordinatorDirCandidates(dataDir).find((dir) => existsSync(join(dir, 'db')) || existsSync(join(dir, 'receipt-key')));
  if (!found) throw new AuditSetupError(`No coordinator data in ${dataDir} (no db/ or receipt-key there, in network/ or in coordinator/).`);
  return found;
}

export async function auditDataDir(dataDir: string, options: { databaseUrl?: string | null; receiptKeyFile?: string } = {}): Promise<AuditReport> {
  const dir = coordinatorDirOf(dataDir);
  const keyFile = options.receiptKeyFile ?? join(dir, 'receipt-key');
  if (!existsSync(keyFile)) throw new AuditSetupError(`No receipt key at ${keyFile}: receipts cannot be checked. Pass --receipt-key-file.`);
  const publicKey = await memorySigner(loadOrCreateReceiptKey(keyFile)).publicKeyHex();
  const payouts = readPayoutsFile(dir);
  const chain = payouts ? await openAuditChain(dir, payouts.cluster, payouts.rpcUrl) : null;
  try {
    const database = await openDatabase(options.databaseUrl ? { databaseUrl: options.databaseUrl } : { dataDir: dir });
    try {
      return await auditCoordinator({ db: database.db, coordinatorPublicKey: publicKey, chain: chain?.chain ?? null });
    } finally {
      await database.close();
    }
  } finally {
    await chain?.close();
  }
}

function readPayoutsFile(dir: string): z.infer<typeof PayoutsFileSchema> | null {
  const file = join(dir, PAYOUTS_FILE);
  if (!existsSync(file)) return null;
  const parsed = PayoutsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new AuditSetupError(`${file} is damaged; start the coordinator once to write it again.`);
  return parsed.data;
}

/** The chain to check against: the local Solana started over its folder, or the cluster's RPC. */
async function openAuditChain(dir: string, cluster: string, rpcUrl: string): Promise<{ chain: AuditChain; close(): Promise<void> }> {
  const localFolder = join(dir, 'localnet');
  if (cluster !== 'localnet' || !existsSync(localFolder)) return { chain: rpcAuditChain(rpcUrl), close: async () => {} };
  const { startLocalnet } = await import('./chain/localnet/server.js');
  const localnet = await startLocalnet({ host: '127.0.0.1', port: 0, dataDir: localFolder });
  return { chain: rpcAuditChain(localnet.url), close: () => localnet.close() };
}
