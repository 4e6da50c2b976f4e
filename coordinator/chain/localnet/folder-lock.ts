/**
 * One local chain per data folder: a lock file created exclusively (O_EXCL) holding the owner's pid. A lock
 * whose process is gone (it was killed) is stale and taken over. A second chain on the same folder waits a
 * little for the first to let go, then gives up with a message naming the holder.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'localnet.lock';

export class FolderLockedError extends Error {}

interface LockContent {
  pid: number;
  nonce: string;
}

/** Locks held by this process: a lock naming our own pid that we do not hold is left over from a crash. */
const heldHere = new Set<string>();

function readLock(path: string): LockContent | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' && typeof parsed.nonce === 'string' ? { pid: parsed.pid, nonce: parsed.nonce } : null;
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock file being written right now reads empty for a moment; only an old unreadable one is stale. */
const UNREADABLE_GRACE_MS = 2_000;

function isStale(path: string, content: LockContent | null): boolean {
  if (content === null) {
    try {
      return Date.now() - statSync(path).mtimeMs > UNREADABLE_GRACE_MS;
    } catch {
      return true;
    }
  }
  if (content.pid === process.pid) return !heldHere.has(path);
  return !processAlive(content.pid);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Takes the folder's lock, waiting up to `waitMs` for another holder; returns the release function. */
export async function lockFolder(dir: string, waitMs = 5_000): Promise<() => void> {
  const path = join(dir, LOCK_FILE);
  const mine: LockContent = { pid: process.pid, nonce: randomBytes(8).toString('hex') };
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(path, `${JSON.stringify(mine)}\n`, { flag: 'wx', mode: 0o600 });
      heldHere.add(path);
      return () => release(path, mine);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readLock(path);
    if (isStale(path, holder)) {
      takeOverStale(path, holder, `${path}.stale-${mine.nonce}`);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new FolderLockedError(
        `Another local Solana node (process ${holder?.pid}) is using ${dir}.\n  Next: stop it, or pass --data-dir with another folder.`,
      );
    }
    await sleep(100);
  }
}

/**
 * Moves a stale lock aside (atomic). If what was moved is not the stale lock judged but a fresh one another
 * starter took in between, it is linked back (link never overwrites), so that starter keeps its lock.
 */
function takeOverStale(path: string, judged: LockContent | null, aside: string): void {
  try {
    renameSync(path, aside);
  } catch {
    return; // Someone else moved it first.
  }
  const moved = readLock(aside);
  if (moved !== null && moved.nonce !== judged?.nonce) {
    try {
      linkSync(aside, path);
    } catch {
      // The path was taken again meanwhile; its holder won.
    }
  }
  rmSync(aside, { force: true });
}

function release(path: string, mine: LockContent): void {
  heldHere.delete(path);
  // Only our own lock: never one a later holder took after ours went stale.
  if (readLock(path)?.nonce === mine.nonce) rmSync(path, { force: true });
}
