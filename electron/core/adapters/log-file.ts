import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogLevel, LogSink } from '../ports.js';

export const LOG_FILE_MAX_BYTES = 5 * 1024 * 1024;
export const LOG_FILES_KEPT = 3;

/**
 * The log in the data folder (`logs/offhours.log`), readable by its owner only, rotated at `maxBytes` into
 * `offhours.log.1` … `.N` (oldest dropped), so a long day of jobs can never fill the disk: at most
 * (kept + 1) × maxBytes. Appends synchronously: a few lines a minute, and a crash loses none.
 */
export class RotatingLogFile implements LogSink {
  private size: number;
  private broken = false;

  constructor(
    readonly path: string,
    private readonly maxBytes = LOG_FILE_MAX_BYTES,
    private readonly kept = LOG_FILES_KEPT,
  ) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.size = sizeOf(path);
  }

  write(_level: LogLevel, line: string): void {
    if (this.broken) return;
    const bytes = Buffer.byteLength(line) + 1;
    try {
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      appendFileSync(this.path, `${line}\n`, { mode: 0o600 });
      this.size += bytes;
    } catch (error) {
      // A full or read-only disk must not take the app down with it: say so once on stderr and stop writing.
      this.broken = true;
      process.stderr.write(`Offhours cannot write its log file ${this.path} (${(error as Error).message}); logging to the console only.\n`);
    }
  }

  private rotate(): void {
    rmSync(`${this.path}.${this.kept}`, { force: true });
    for (let n = this.kept - 1; n >= 1; n--) {
      try {
        renameSync(`${this.path}.${n}`, `${this.path}.${n + 1}`);
      } catch {
        // that generation does not exist yet
      }
    }
    renameSync(this.path, `${this.path}.1`);
    this.size = 0;
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
