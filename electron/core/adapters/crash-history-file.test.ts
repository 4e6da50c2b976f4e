import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrashHistoryFile } from './crash-history-file.js';

describe('CrashHistoryFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'offhours-crash-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the crash times across a new instance (the relaunched process), owner-only', () => {
    const path = join(dir, 'crash-history.json');
    new CrashHistoryFile(path).save([1, 2, 3]);
    expect(new CrashHistoryFile(path).load()).toEqual([1, 2, 3]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('reads no file, or a damaged one, as no recent crashes', () => {
    const path = join(dir, 'crash-history.json');
    expect(new CrashHistoryFile(path).load()).toEqual([]);
    writeFileSync(path, '{"crashes": [1, "x", null');
    expect(new CrashHistoryFile(path).load()).toEqual([]);
    writeFileSync(path, '{"crashes": [1, "x", 3]}');
    expect(new CrashHistoryFile(path).load()).toEqual([1, 3]);
  });

  it('keeps only the last 20', () => {
    const path = join(dir, 'crash-history.json');
    new CrashHistoryFile(path).save(Array.from({ length: 30 }, (_, i) => i));
    expect((JSON.parse(readFileSync(path, 'utf8')) as { crashes: number[] }).crashes).toEqual(Array.from({ length: 20 }, (_, i) => i + 10));
  });
});
