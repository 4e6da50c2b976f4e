import { execFile } from 'node:child_process';
import type { ProcessInfo, ProcessScanner } from '../ports.js';
import { parseTasklistCsv } from '../schedule/parsers.js';

/** Windows process scan through `tasklist /fo csv /nh` (names only; every few seconds). */
export class TasklistProcessScanner implements ProcessScanner {
  list(): Promise<ProcessInfo[]> {
    return new Promise((resolve, reject) =>
      execFile('tasklist', ['/fo', 'csv', '/nh'], { timeout: 5000, windowsHide: true, maxBuffer: 8 * 1024 * 1024 }, (error, stdout) =>
        error ? reject(error) : resolve(parseTasklistCsv(stdout)),
      ),
    );
  }
}
