import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTreasuryKey, loadOrCreateTreasuryKey, loadTreasuryKey, TreasuryKeyError } from './treasury-key.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'offhours-treasury-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the treasury key file', () => {
  it('is created 0600 in the Solana CLI format and loads back to the same address', async () => {
    const file = join(dir, 'keys', 'treasury.json');
    const created = await createTreasuryKey(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const bytes = JSON.parse(readFileSync(file, 'utf8')) as number[];
    expect(bytes).toHaveLength(64);
    expect((await loadTreasuryKey(file)).address).toBe(created.address);
    expect((await loadOrCreateTreasuryKey(file)).address).toBe(created.address);
    await expect(createTreasuryKey(file)).rejects.toThrow(/already exists/);
  });

  it('says what is wrong: missing, a folder, not a keypair, halves that do not match, readable by others', async () => {
    const file = join(dir, 'treasury.json');
    await expect(loadTreasuryKey(file)).rejects.toThrow(/no treasury key file.*\n.*solana-keygen new --outfile/);
    mkdirSync(join(dir, 'folder'));
    await expect(loadTreasuryKey(join(dir, 'folder'))).rejects.toBeInstanceOf(TreasuryKeyError);
    writeFileSync(file, '[1,2,3]', { mode: 0o600 });
    await expect(loadTreasuryKey(file)).rejects.toThrow(/not a Solana keypair file/);
    writeFileSync(file, JSON.stringify(Array.from({ length: 64 }, (_, i) => i)), { mode: 0o600 });
    await expect(loadTreasuryKey(file)).rejects.toThrow(/public key does not belong to its secret key/);
    await createTreasuryKey(join(dir, 'good.json'));
    chmodSync(join(dir, 'good.json'), 0o644);
    await expect(loadTreasuryKey(join(dir, 'good.json'))).rejects.toThrow(/chmod 600/);
    expect((await loadTreasuryKey(join(dir, 'good.json'), 'win32')).address).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
  });
});
