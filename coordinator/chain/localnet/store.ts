/**
 * The local chain on disk, in its data folder:
 *   genesis.json    genesis hash, creation time, faucet key (0600); written last, so it marks a finished genesis
 *   svm-<seq>.bin   a LiteSVM snapshot (saveToFile) taken after journal entry <seq>
 *   snapshot.json   which snapshot is current
 *   journal.jsonl   every transaction that landed, one JSON record per line, fsync'd before it is answered
 * Start = the snapshot + replaying the journal entries after it; the whole journal is also the history.
 * Appending one line and fdatasync costs well under a millisecond where saveToFile + fsync of the ~1.4 MB
 * state costs several, so a snapshot is taken only every SNAPSHOT_EVERY transactions and on close.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fdatasyncSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createKeyPairSignerFromPrivateKeyBytes, getBase58Decoder, lamports, type Address } from '@solana/kit';
import { Clock, EpochSchedule, LiteSVM } from 'litesvm';
import { z } from 'zod';
import { lockFolder } from './folder-lock.js';
import { History, type TxRecord } from './history.js';
import { Ledger, ReplayError } from './ledger.js';
import { SlotClock, SLOTS_PER_EPOCH } from './slot-clock.js';

export const SNAPSHOT_EVERY = 256;
/** The faucet behind requestAirdrop: 500 million SOL, as solana-test-validator's. */
const FAUCET_LAMPORTS = 500_000_000n * 1_000_000_000n;
const SYSTEM_PROGRAM = '11111111111111111111111111111111' as Address;

const GenesisSchema = z.object({ genesisHash: z.string().min(32), createdAtMs: z.number().int().nonnegative(), faucetSeedHex: z.string().regex(/^[0-9a-f]{64}$/) });
const SnapshotSchema = z.object({ seq: z.number().int().nonnegative(), file: z.string().regex(/^svm-\d+\.bin$/) });

export type Genesis = z.infer<typeof GenesisSchema>;

/** The data folder cannot be used as it is; the message says what to do. */
export class LocalnetDataError extends Error {}

export interface OpenedChain {
  ledger: Ledger;
  genesis: Genesis;
  /** Takes a snapshot if enough landed since the last one (called after each transaction, off the answer path). */
  maybeSnapshot(): void;
  /** Final snapshot, journal closed, lock released. */
  close(): void;
}

/** LiteSVM settings that are ours, applied to a fresh instance and to every loaded one. */
function configure(svm: LiteSVM): LiteSVM {
  // Blockhash age is checked by the ledger against the SlotClock; duplicates against the history.
  return svm.withTransactionHistory(0n).withBlockhashCheck(false).withSigverify(true);
}

function writeFileDurably(path: string, content: string | Uint8Array, mode = 0o600): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, content, { mode });
  const fd = openSync(temporary, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function damaged(dir: string, what: string): LocalnetDataError {
  return new LocalnetDataError(`The local chain in ${dir} cannot be opened: ${what}.\n  Next: delete ${dir} to start a fresh local chain (its balances and history are lost).`);
}

function readJson<T>(dir: string, name: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  } catch (error) {
    throw damaged(dir, `${name} is missing or unreadable (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw damaged(dir, `${name} is damaged`);
  return parsed.data;
}

async function createGenesis(dir: string, nowMs: number): Promise<Genesis> {
  for (const name of readdirSync(dir)) if (/^(svm-\d+\.bin|snapshot\.json|journal\.jsonl)(\.tmp)?$/.test(name)) rmSync(join(dir, name), { force: true });
  const genesis: Genesis = { genesisHash: getBase58Decoder().decode(randomBytes(32)), createdAtMs: nowMs, faucetSeedHex: randomBytes(32).toString('hex') };
  const faucet = await createKeyPairSignerFromPrivateKeyBytes(Buffer.from(genesis.faucetSeedHex, 'hex'));
  const svm = configure(new LiteSVM());
  // Epochs without warm-up, and the clock at slot 0, as a fresh test validator has them.
  svm.setEpochSchedule(new EpochSchedule(SLOTS_PER_EPOCH, SLOTS_PER_EPOCH, false, 0n, 0n));
  const seconds = BigInt(Math.floor(nowMs / 1000));
  svm.setClock(new Clock(0n, seconds, 0n, 1n, seconds));
  svm.setAccount({ address: faucet.address, lamports: lamports(FAUCET_LAMPORTS), data: new Uint8Array(), executable: false, programAddress: SYSTEM_PROGRAM, space: 0n });
  writeSnapshot(dir, svm, 0);
  writeFileSync(join(dir, 'journal.jsonl'), '', { mode: 0o600 });
  writeFileDurably(join(dir, 'genesis.json'), `${JSON.stringify(genesis, null, 2)}\n`);
  syncFolder(dir);
  return genesis;
}

function writeSnapshot(dir: string, svm: LiteSVM, seq: number): void {
  const file = `svm-${seq}.bin`;
  const temporary = join(dir, `${file}.tmp`);
  svm.saveToFile(temporary);
  chmodSync(temporary, 0o600);
  const fd = openSync(temporary, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, join(dir, file));
  writeFileDurably(join(dir, 'snapshot.json'), `${JSON.stringify({ seq, file })}\n`);
  syncFolder(dir);
  for (const name of readdirSync(dir)) if (/^svm-\d+\.bin(\.tmp)?$/.test(name) && name !== file) rmSync(join(dir, name), { force: true });
}

/**
 * The journal's complete lines. A last line without its newline was being written when the process died;
 * it was never answered, so it is cut off. A damaged complete line is refused.
 */
function readJournal(dir: string): TxRecord[] {
  const path = join(dir, 'journal.jsonl');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) {
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, end)));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  const records: TxRecord[] = [];
  for (const [index, line] of text.slice(0, end).split('\n').entries()) {
    if (!line) continue;
    try {
      const record = JSON.parse(line) as TxRecord;
      if (record.seq !== (records.at(-1)?.seq ?? 0) + 1) throw new Error(`entry ${record.seq} out of order`);
      records.push(record);
    } catch (error) {
      throw damaged(dir, `line ${index + 1} of journal.jsonl is damaged (${(error as Error).message})`);
    }
  }
  return records;
}

/** Opens (or creates) the chain in `dir`: lock, genesis, snapshot, journal replay. */
export async function openChain(dir: string, now: () => number, lockWaitMs?: number): Promise<OpenedChain> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const unlock = await lockFolder(dir, lockWaitMs);
  try {
    return await openLocked(dir, now, unlock);
  } catch (error) {
    unlock();
    throw error;
  }
}

async function openLocked(dir: string, now: () => number, unlock: () => void): Promise<OpenedChain> {
  const genesis = existsSync(join(dir, 'genesis.json')) ? readJson(dir, 'genesis.json', GenesisSchema) : await createGenesis(dir, now());
  const snapshot = readJson(dir, 'snapshot.json', SnapshotSchema);
  let svm: LiteSVM;
  try {
    svm = configure(LiteSVM.loadFromFile(join(dir, snapshot.file)));
  } catch (error) {
    throw damaged(dir, `its snapshot ${snapshot.file} does not load (${(error as Error).message})`);
  }
  const faucet = await createKeyPairSignerFromPrivateKeyBytes(Buffer.from(genesis.faucetSeedHex, 'hex'));
  const records = readJournal(dir);
  const journalFd = openSync(join(dir, 'journal.jsonl'), 'a', 0o600);
  const append = (record: TxRecord) => {
    writeSync(journalFd, `${JSON.stringify(record)}\n`);
    fdatasyncSync(journalFd);
  };
  const clock = new SlotClock(genesis.genesisHash, genesis.createdAtMs, now);
  const ledger = new Ledger(svm, clock, new History(), append, faucet);
  let snapshotSeq = snapshot.seq;
  try {
    for (const record of records) {
      if (record.seq <= snapshot.seq) ledger.history.add(record);
      else ledger.replay(record);
    }
  } catch (error) {
    closeSync(journalFd);
    throw error instanceof ReplayError ? damaged(dir, error.message) : error;
  }
  clock.atLeast(BigInt(records.at(-1)?.slot ?? 0));
  const takeSnapshot = () => {
    const seq = ledger.history.lastSeq;
    // A chain whose journal failed holds a transaction the journal lacks: never make that state durable.
    if (seq === snapshotSeq || ledger.broken) return;
    writeSnapshot(dir, svm, seq);
    snapshotSeq = seq;
  };
  takeSnapshot();
  let closed = false;
  return {
    ledger,
    genesis,
    maybeSnapshot: () => {
      if (!closed && ledger.history.lastSeq - snapshotSeq >= SNAPSHOT_EVERY) takeSnapshot();
    },
    close: () => {
      if (closed) return;
      closed = true;
      try {
        takeSnapshot();
      } finally {
        closeSync(journalFd);
        unlock();
      }
    },
  };
}
