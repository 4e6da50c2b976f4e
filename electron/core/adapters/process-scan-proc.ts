import { readdir, readFile } from 'node:fs/promises';
import type { ProcessInfo, ProcessScanner } from '../ports.js';
import { parseProcEntry } from '../schedule/parsers.js';

/** Linux process scan over /proc (no spawn): comm and cmdline of every process we may read. */
export class ProcProcessScanner implements ProcessScanner {
  constructor(private readonly procDir = '/proc') {}

  async list(): Promise<ProcessInfo[]> {
    const entries = (await readdir(this.procDir)).filter((name) => /^\d+$/.test(name));
    const out: ProcessInfo[] = [];
    await Promise.all(
      entries.map(async (name) => {
        try {
          const [comm, cmdline] = await Promise.all([readFile(`${this.procDir}/${name}/comm`, 'utf8'), readFile(`${this.procDir}/${name}/cmdline`, 'utf8')]);
          out.push(parseProcEntry(Number(name), comm, cmdline));
        } catch {
          // The process ended between readdir and read: skip it.
        }
      }),
    );
    return out;
  }
}
