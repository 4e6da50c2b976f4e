import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import type { ProcessInfo, ProcessScanner } from '../ports.js';
import { parseProcEntry } from '../schedule/parsers.js';

/** argv beyond this is not needed to recognise a game (its path comes first). */
const READ_LIMIT = 16 * 1024;

/**
 * Linux process scan over /proc (no spawn). Synchronous reads on purpose: /proc files are generated in
 * memory, so a sync read takes microseconds, while the async path (thread pool + promises) cost ~10× more
 * CPU per scan. One buffer is reused for every read: readFileSync's stat, options parsing and fresh buffer
 * per file were most of the scan's cost (it runs every 5 s for the life of the app). Kernel threads (empty
 * cmdline) are skipped: they are never games.
 */
export class ProcProcessScanner implements ProcessScanner {
  private readonly buffer = Buffer.allocUnsafe(READ_LIMIT);

  constructor(private readonly procDir = '/proc') {}

  async list(): Promise<ProcessInfo[]> {
    const out: ProcessInfo[] = [];
    for (const name of readdirSync(this.procDir)) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid <= 0) continue;
      try {
        const cmdline = this.read(`${this.procDir}/${name}/cmdline`);
        if (!cmdline) continue;
        // comm (the kernel's 15-character name) only matters when argv[0] was rewritten; read it lazily.
        const argv0 = cmdline.slice(0, cmdline.indexOf('\0') >>> 0);
        const comm = /[\\/]?[^\\/]*\.exe$/i.test(argv0) ? argv0 : this.read(`${this.procDir}/${name}/comm`);
        out.push(parseProcEntry(pid, comm, cmdline));
      } catch {
        // The process ended between readdir and read: skip it.
      }
    }
    return out;
  }

  private read(path: string): string {
    const fd = openSync(path, 'r');
    try {
      let length = 0;
      while (length < READ_LIMIT) {
        const n = readSync(fd, this.buffer, length, READ_LIMIT - length, null);
        if (n === 0) break;
        length += n;
      }
      return this.buffer.toString('latin1', 0, length);
    } finally {
      closeSync(fd);
    }
  }
}
