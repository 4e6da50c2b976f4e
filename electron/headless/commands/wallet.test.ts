import { ed25519 } from '@noble/curves/ed25519.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeBase58 } from '../../../protocol/solana/address.js';
import { ProviderCore } from '../../core/api.js';
import { ConfSettingsStore } from '../../core/adapters/conf-settings-store.js';
import { networkInfo, payout, signatureFor } from '../../core/earnings/test-support/earnings-world.js';
import { walletPorts } from '../../compose/node-wiring.js';
import { startDaemon, type RunningDaemon } from '../daemon.js';
import { offhours } from './test-support/cli-run.js';

const PASTED = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';

const savedAddress = (dir: string) => (JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as { wallet: { payoutAddress: string | null } }).wallet.payoutAddress;

let dir: string;
let daemon: RunningDaemon | null = null;
let core: ProviderCore | null = null;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'offhours-wallet-cli-'));
});
afterEach(async () => {
  await daemon?.close();
  await core?.stop();
  daemon = null;
  core = null;
  rmSync(dir, { recursive: true, force: true });
});

describe('offhours wallet, with no Offhours running (the data folder itself)', () => {
  it('creates a wallet, reminds to back it up, exports it only with --yes, then stops reminding', async () => {
    const created = await offhours('wallet', 'create', '--data-dir', dir, '--json');
    expect(created.code).toBe(0);
    const slice = JSON.parse(created.stdout) as { address: string; createdHere: boolean; backedUp: boolean };
    expect(slice).toMatchObject({ createdHere: true, backedUp: false });
    expect(savedAddress(dir)).toBe(slice.address);
    expect(existsSync(join(dir, 'keys', 'wallet-key.json'))).toBe(true);

    const shown = await offhours('wallet', '--data-dir', dir);
    expect(shown.stdout).toContain(`Address:   ${slice.address} (created on this PC)`);
    expect(shown.stdout).toContain('Balances:  shown once a network says which Solana cluster it pays on');
    expect(shown.stdout).toContain('⚠ Back up this wallet now');
    expect(shown.stdout).toContain('Next: offhours wallet export --yes > offhours-wallet.json');

    const refused = await offhours('wallet', 'export', '--data-dir', dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/add --yes to confirm/);
    expect(refused.stdout).toBe('');

    const exported = await offhours('wallet', 'export', '--yes', '--data-dir', dir);
    expect(exported.code).toBe(0);
    const keypair = JSON.parse(exported.stdout) as number[];
    expect(keypair).toHaveLength(64);
    expect(encodeBase58(ed25519.getPublicKey(Uint8Array.from(keypair.slice(0, 32))))).toBe(slice.address);
    expect(exported.stderr).toMatch(/anyone who sees it can spend everything/);
    expect((await offhours('wallet', '--data-dir', dir)).stdout).not.toContain('Back up this wallet now');
  });

  it('sets a pasted address and refuses what is not one, in plain words, changing nothing', async () => {
    const bad = await offhours('wallet', 'set', `${PASTED.slice(0, 10)}0${PASTED.slice(11)}`, '--data-dir', dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('This is not a Solana address: it contains "0" (character 11)');
    expect(bad.stderr).toContain('Next: Copy the receiving address again');
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
    const good = await offhours('wallet', 'set', PASTED, '--data-dir', dir);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(`Payouts now go to ${PASTED}.\n  Saved in the data folder ${dir} (Offhours is not running`);
    expect(savedAddress(dir)).toBe(PASTED);
    expect((await offhours('wallet', 'set', '--data-dir', dir)).code).toBe(2);
  });

  it('lists the payouts with their chain checks and explorer links, and says when balances cannot be read', async () => {
    new ConfSettingsStore(dir).load();
    await offhours('wallet', 'set', PASTED, '--data-dir', dir);
    const chain = { ...networkInfo(undefined).payouts!, rpcUrl: 'http://127.0.0.1:9' }; // devnet's explorer, an RPC that does not answer
    const record = { version: 1, summary: null, receipts: [], payouts: [{ payout: payout(1, { recipient: PASTED }), chain: 'verified', notFoundTries: 0 }, { payout: payout(2, { recipient: PASTED }), chain: 'wrong-amount', notFoundTries: 0 }], chain, coordinatorPublicKey: null, token: { symbol: 'OFFT', decimals: 6 }, updatedAt: null };
    writeFileSync(join(dir, 'earnings.json'), JSON.stringify(record));
    const shown = await offhours('wallet', '--data-dir', dir);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Explorer:  https://explorer.solana.com/address/${PASTED}?cluster=devnet`);
    expect(shown.stdout).toContain('⚠ Could not read the balances from http://127.0.0.1:9');
    expect(shown.stdout).toContain(`✓ Confirmed on chain https://explorer.solana.com/tx/${signatureFor(1)}?cluster=devnet`);
    expect(shown.stdout).toMatch(new RegExp(`${signatureFor(2)} {2}⚠ Wrong amount on chain`));
    const json = JSON.parse((await offhours('wallet', '--data-dir', dir, '--json')).stdout) as { wallet: { address: string }; payouts: unknown[] };
    expect(json.wallet.address).toBe(PASTED);
    expect(json.payouts).toHaveLength(2);
  });
});

describe('offhours wallet, with Offhours running', () => {
  async function startService(): Promise<ProviderCore> {
    core = new ProviderCore({
      mode: 'headless',
      appVersion: '0.0.0-test',
      dataDir: dir,
      ports: { clock: { now: () => Date.now() }, logger: { info: () => undefined, warn: () => undefined, error: () => undefined }, gpuProbe: { detect: async () => ({ status: 'no-gpu', gpus: [], reason: null, nextStep: null, detectedAt: '2026-01-01T00:00:00.000Z' }) }, settingsStore: new ConfSettingsStore(dir) },
      wallet: walletPorts(dir),
    });
    daemon = await startDaemon({ core, host: '127.0.0.1', port: 0, token: 'wallet-test-token-0123', rendererDir: '/nonexistent', allowRemote: false });
    writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ url: daemon.url, port: daemon.port, host: '127.0.0.1', token: 'wallet-test-token-0123', pid: process.pid }), { mode: 0o600 });
    return core;
  }

  it('asks the running service: create, refuse a second unbacked wallet, export, set', async () => {
    const service = await startService();
    const created = await offhours('wallet', 'create', '--data-dir', dir);
    expect(created.code).toBe(0);
    const address = service.getState().wallet.address!;
    expect(created.stdout).toContain(`Created a wallet on this PC: ${address}\nIt is now your payout address (saved in the running Offhours`);
    expect(service.getState().wallet).toMatchObject({ createdHere: true, backedUp: false });

    const again = await offhours('wallet', 'create', '--data-dir', dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('was never backed up');
    expect(again.stderr).toContain('Next: Export its secret key first');

    const exported = await offhours('wallet', 'export', '--yes', '--data-dir', dir);
    expect(JSON.parse(exported.stdout)).toHaveLength(64);
    expect(service.getState().wallet.backedUp).toBe(true);
    expect(JSON.stringify(service.getState())).not.toContain(exported.stdout.trim());

    expect((await offhours('wallet', 'set', PASTED, '--data-dir', dir)).code).toBe(0);
    expect(service.getState().wallet).toMatchObject({ address: PASTED, createdHere: false, createdAddress: address });
    const shown = await offhours('wallet', '--data-dir', dir);
    expect(shown.stdout).toContain(`Address:   ${PASTED} (pasted)`);
  });

  it('says so and changes nothing when the service does not answer', async () => {
    writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ url: 'http://127.0.0.1:9/', port: 9, host: '127.0.0.1', token: 't', pid: process.pid }));
    const result = await offhours('wallet', 'set', PASTED, '--data-dir', dir);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/did not answer at port 9/);
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
  });
});
