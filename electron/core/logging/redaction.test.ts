import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeBase58 } from '../../../protocol/solana/address.js';
import type { LogLevel } from '../ports.js';
import { RedactingLogger } from './redacting-logger.js';
import { REDACTED, Redactor } from './redaction.js';

function capture() {
  const lines: string[] = [];
  const logger = new RedactingLogger([{ write: (_level: LogLevel, line: string) => void lines.push(line) }], new Redactor(), () => Date.parse('2026-11-30T10:00:00.000Z'));
  return { logger, lines };
}

describe('log lines never carry a secret', () => {
  it('a secret-bearing object: keys, seeds, tokens, credentials in URLs and headers are replaced, the rest is kept', () => {
    const { logger, lines } = capture();
    const walletSecret = [...randomBytes(64)];
    const seedHex = randomBytes(32).toString('hex');
    const apiToken = randomBytes(24).toString('base64url');
    const adminToken = randomBytes(24).toString('hex');
    const caller = {
      providerId: 'prv_1',
      devicePublicKey: 'ab'.repeat(32),
      device: { privateKey: seedHex, seed: seedHex },
      wallet: { address: '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T', secretKey: walletSecret },
      keypairFile: walletSecret,
      exported: walletSecret,
      apiToken,
      adminToken,
      url: `http://127.0.0.1:47831/?token=${apiToken}#/earnings`,
      headers: { authorization: `Bearer ${adminToken}` },
      token: { symbol: 'USDC', decimals: 6 },
      amount: 12_500n,
    };
    const before = JSON.stringify(caller, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    logger.info(`opened http://127.0.0.1:47831/?token=${apiToken}`, caller);
    logger.warn('admin call', { header: `Authorization: Bearer ${adminToken}` });

    const text = lines.join('\n');
    for (const secret of [seedHex, apiToken, adminToken, JSON.stringify(walletSecret), walletSecret.join(',')]) expect(text).not.toContain(secret);
    // What the owner needs to read a log is still there.
    expect(text).toContain('prv_1');
    expect(text).toContain('ab'.repeat(32));
    expect(text).toContain('4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T');
    expect(text).toContain('"token":{"symbol":"USDC","decimals":6}');
    expect(text).toContain('"amount":"12500"');
    expect(text).toContain(REDACTED);
    expect(lines[0]).toMatch(/^\[2026-11-30T10:00:00.000Z\] info: opened http:\/\/127\.0\.0\.1:47831\/\?token=\[redacted\] \{/);
    // The caller's object is not modified.
    expect(JSON.stringify(caller, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).toBe(before);
  });

  it('a remembered secret is taken out wherever it appears, in every encoding bytes are printed in', () => {
    const { logger, lines } = capture();
    const key = randomBytes(32);
    logger.redactor.remember(key);
    logger.redactor.remember('dashboard-token-1234567890');
    for (const form of [key.toString('hex'), key.toString('base64'), key.toString('base64url'), encodeBase58(key), JSON.stringify([...key])]) {
      logger.error(`sealing failed for ${form}`, { detail: `value ${form}` });
    }
    logger.info('a message with dashboard-token-1234567890 inside');
    const text = lines.join('\n');
    expect(text).not.toContain(key.toString('hex'));
    expect(text).not.toContain(encodeBase58(key));
    expect(text).not.toContain('dashboard-token-1234567890');
    expect(lines).toHaveLength(6);
    expect(lines.every((line) => line.includes(REDACTED))).toBe(true);
  });

  it('errors log their message, redacted; bytes and deep objects are summarised, not dumped', () => {
    const redactor = new Redactor();
    expect(redactor.fields({ cause: new Error('GET /x?token=abcdef123456 failed') })).toEqual({ cause: `GET /x?token=${REDACTED} failed` });
    expect(redactor.fields({ blob: new Uint8Array(1000) })).toEqual({ blob: '<1000 bytes>' });
    expect(redactor.fields({ key: new Uint8Array(32) })).toEqual({ key: REDACTED });
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(JSON.stringify(redactor.fields(deep))).toContain('[too deep]');
  });
});
