import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PACKAGE_UPDATES_LINE } from '../../../protocol/update.js';
import { appVersion } from '../paths.js';
import { lastLines, parseTail } from './about.js';
import { offhours } from './test-support/cli-run.js';

describe('offhours version', () => {
  it('prints the version and where updates come from, the line the dashboard shows', async () => {
    const result = await offhours('version');
    expect(result).toEqual({ code: 0, stdout: `Offhours ${appVersion()}\n${PACKAGE_UPDATES_LINE}\n`, stderr: '' });
    expect(JSON.parse((await offhours('version', '--json')).stdout)).toEqual({ version: appVersion(), updates: PACKAGE_UPDATES_LINE });
  });
});

describe('offhours logs', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'offhours-logs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the log file of the data folder, and says when there is none yet', async () => {
    const result = await offhours('logs', '--data-dir', dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${join(dir, 'logs', 'offhours.log')}\n`);
    expect(result.stderr).toMatch(/No log yet/);
  });

  it('prints the last N lines with --tail', async () => {
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'logs', 'offhours.log'), 'one\ntwo\nthree\n');
    expect(await offhours('logs', '--data-dir', dir, '--tail', '2')).toEqual({ code: 0, stdout: 'two\nthree\n', stderr: '' });
    expect((await offhours('logs', '--data-dir', dir, '--tail', '0')).code).toBe(2);
    expect((await offhours('logs', '--data-dir', join(dir, 'none'), '--tail', '5')).code).toBe(1);
  });

  it('takes whole line counts only', () => {
    expect(parseTail('50')).toBe(50);
    expect(() => parseTail('-1')).toThrow(/--tail takes a number of lines/);
    expect(() => parseTail('1e3')).toThrow();
    expect(lastLines('', 3)).toBe('');
    expect(lastLines('a\nb', 5)).toBe('a\nb\n');
  });
});
