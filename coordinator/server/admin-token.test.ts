import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdminTokenError, loadOrCreateAdminToken } from './admin-token.js';

const folder = () => mkdtempSync(join(tmpdir(), 'offhours-admin-token-'));

describe('loadOrCreateAdminToken', () => {
  it('creates a 0600 token once and reads the same one back', () => {
    const file = join(folder(), 'nested', 'admin-token');
    const token = loadOrCreateAdminToken(file);
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(loadOrCreateAdminToken(file)).toBe(token);
  });

  it('refuses a token file others can read, and a token that is too short', () => {
    const file = join(folder(), 'admin-token');
    writeFileSync(file, 'x'.repeat(32), { mode: 0o644 });
    chmodSync(file, 0o644);
    expect(() => loadOrCreateAdminToken(file, 'linux')).toThrow(AdminTokenError);
    const short = join(folder(), 'short');
    writeFileSync(short, 'abc\n', { mode: 0o600 });
    expect(() => loadOrCreateAdminToken(short, 'linux')).toThrow(/at least 16/);
  });
});
