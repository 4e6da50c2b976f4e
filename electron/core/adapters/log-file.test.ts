import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RotatingLogFile } from './log-file.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'offhours-log-'));
  dirs.push(dir);
  return dir;
}

describe('the log file in the data folder', () => {
  it('is owner-only, rotates at its size limit and keeps a bounded number of files', () => {
    const dir = tempDir();
    const path = join(dir, 'logs', 'offhours.log');
    const log = new RotatingLogFile(path, 1000, 2);
    for (let i = 0; i < 100; i++) log.write('info', `line ${String(i).padStart(3, '0')} ${'x'.repeat(80)}`);

    expect(readdirSync(join(dir, 'logs')).sort()).toEqual(['offhours.log', 'offhours.log.1', 'offhours.log.2']);
    for (const file of readdirSync(join(dir, 'logs'))) expect(statSync(join(dir, 'logs', file)).size).toBeLessThanOrEqual(1000);
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
    // The newest lines are in the live file, the ones before them in .1: nothing in between was lost.
    const live = readFileSync(path, 'utf8').trim().split('\n');
    const previous = readFileSync(`${path}.1`, 'utf8').trim().split('\n');
    expect(live.at(-1)).toMatch(/^line 099 /);
    const numberOf = (line: string) => Number(line.slice(5, 8));
    expect(numberOf(live[0]!)).toBe(numberOf(previous.at(-1)!) + 1);
  });

  it('continues an existing file after a restart, counting what is already there', () => {
    const dir = tempDir();
    const path = join(dir, 'offhours.log');
    new RotatingLogFile(path, 300, 1).write('info', 'a'.repeat(250));
    new RotatingLogFile(path, 300, 1).write('info', 'b'.repeat(100));
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(`${'a'.repeat(250)}\n`);
    expect(readFileSync(path, 'utf8')).toBe(`${'b'.repeat(100)}\n`);
  });
});
