import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CrashHistoryStore } from '../ports.js';

/** Keeps no more than this many crash times: the policy only looks at the last few minutes anyway. */
const MAX_KEPT = 20;

/**
 * Recent main-process crash times in `<data>/crash-history.json`, written synchronously (the process is about
 * to exit) through a temporary file, so a crash while writing leaves the old list, never half a file.
 */
export class CrashHistoryFile implements CrashHistoryStore {
  constructor(readonly path: string) {}

  load(): number[] {
    try {
      const doc = JSON.parse(readFileSync(this.path, 'utf8')) as { crashes?: unknown };
      return Array.isArray(doc.crashes) ? doc.crashes.filter((at): at is number => typeof at === 'number' && Number.isFinite(at)) : [];
    } catch {
      // No file yet, or one a crash damaged: no known recent crashes.
      return [];
    }
  }

  save(times: readonly number[]): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.tmp`;
    writeFileSync(temp, JSON.stringify({ crashes: times.slice(-MAX_KEPT) }), { mode: 0o600 });
    renameSync(temp, this.path);
  }
}
