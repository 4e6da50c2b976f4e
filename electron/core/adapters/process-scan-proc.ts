import { readdirSync, readFileSync } from 'node:fs';
import type { ProcessInfo, ProcessScanner } from '../ports.js';
import { parseProcEntry } from '../schedule/parsers.js';

/**
 * Linux process scan over /proc (no spawn). Synchronous reads on purpose: /proc files are generated in
 * memory, so a sync read takes microseconds, while the async path (thread pool + promises) cost ~10× more
 * CPU per scan. Kernel threads (empty cmdline) are skipped: they are never games.
 */
export class ProcProcessScanner implements ProcessScanner {
  constructor(private readonly procDir = '/proc') {}

  async list(): Promise<ProcessInfo[]> {
    const out: ProcessInfo[] = [];
    for (const name of readdirSync(this.procDir)) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid <= 0) continue;
      try {
        const cmdline = readFileSync(`${this.procDir}/${name}/cmdline`, 'latin1');
        if (!cmdline) continue;
        // comm (the kernel's 15-character name) only matters when argv[0] was rewritten; read it lazily.
        const argv0 = cmdline.slice(0, cmdline.indexOf('\0') >>> 0);
        const comm = /[\\/]?[^\\/]*\.exe$/i.test(argv0) ? argv0 : readFileSync(`${this.procDir}/${name}/comm`, 'latin1');
        out.push(parseProcEntry(pid, comm, cmdline));
      } catch {
        // The process ended between readdir and read: skip it.
      }
    }
    return out;
  }
}
