import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { providerMethods } from '../../../protocol/api.js';
import { createDispatcher } from '../../../protocol/rpc.js';
import { defaultSettings, type Settings } from '../../../protocol/settings.js';
import { encodeBase58 } from '../../../protocol/solana/address.js';
import { initialEarningsSlice, type EarningsSlice } from '../../../protocol/state.js';
import { ProviderCore } from '../api.js';
import { AesFileSealer } from '../bench/keys/aes-file-sealer.js';
import { SafeStorageSealer } from '../bench/keys/safe-storage-sealer.js';
import type { SettingsStore } from '../ports.js';
import { SettingsService } from '../settings/settings-service.js';
import type { BalanceRequest, WalletBalanceReader } from './ports.js';
import { WalletKeyFile } from './wallet-key-file.js';
import { WalletService } from './wallet-service.js';

class MemorySettingsStore implements SettingsStore {
  constructor(public saved: Settings = defaultSettings()) {}
  load() {
    return { settings: this.saved, quarantined: null, migratedFrom: null };
  }
  save(settings: Settings) {
    this.saved = settings;
  }
}

/** Every line a logger was given, to prove no key material reaches a log. */
function recordingLogger() {
  const lines: string[] = [];
  const record = (message: string, fields?: Record<string, unknown>) => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  return { lines, logger: { info: record, warn: record, error: record } };
}

/** Answers from a table per owner; counts requests; can be held to test a read overtaken by a change. */
function fakeBalances(answers: Record<string, { lamports: bigint; tokenBaseUnits: bigint } | Error> = {}) {
  const requests: BalanceRequest[] = [];
  const reader: WalletBalanceReader = {
    async read(request) {
      requests.push(request);
      const answer = answers[request.owner] ?? { lamports: 0n, tokenBaseUnits: 0n };
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { reader, requests };
}

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 3);
const SEED_ADDRESS = encodeBase58(ed25519.getPublicKey(SEED));
const PASTED = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
const MINT = 'Gh9ZwEmdLJ8DscKNTkTqPbNwLNNBjuSzaG9Vp2KGtKJr';
const DEVNET: Pick<EarningsSlice, 'chain' | 'token' | 'payouts'> = {
  ...initialEarningsSlice(),
  chain: { cluster: 'devnet', rpcUrl: 'https://api.devnet.solana.com', mint: MINT, explorerTxUrl: 'https://explorer.solana.com/tx/{signature}?cluster=devnet' },
  token: { symbol: 'OFFT', decimals: 6 },
};

/** Every way the secret could be written down: hex of the seed, the Solana CLI array, base58 of the 64-byte keypair. */
function secretForms(seed: Uint8Array): string[] {
  const keypair = [...seed, ...ed25519.getPublicKey(seed)];
  return [bytesToHex(seed), JSON.stringify(keypair), keypair.join(','), encodeBase58(Uint8Array.from(keypair)), Buffer.from(seed).toString('base64')];
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'offhours-wallet-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function world(options: { settings?: Settings; balances?: ReturnType<typeof fakeBalances>; seeds?: Uint8Array[] } = {}) {
  const store = new MemorySettingsStore(options.settings);
  const settings = new SettingsService(store);
  const log = recordingLogger();
  const balances = options.balances ?? fakeBalances();
  const seeds = [...(options.seeds ?? [SEED])];
  const keys = new WalletKeyFile({ file: join(dir, 'keys', 'wallet-key.json'), sealers: [new AesFileSealer(join(dir, 'keys', 'sealing.key'))] });
  const wallet = new WalletService({ settings, keys, balances: balances.reader, clock: { now: () => Date.parse('2026-05-01T12:00:00Z') }, logger: log.logger, newSeed: () => seeds.shift()!.slice() });
  return { wallet, settings, store, log, balances, keys };
}

describe('WalletService: a wallet created here', () => {
  it('seals the secret key, makes its address the payout address, and reminds to back it up', async () => {
    const { wallet, store } = world();
    const slice = await wallet.create();
    expect(slice).toMatchObject({ address: SEED_ADDRESS, createdHere: true, createdAddress: SEED_ADDRESS, backedUp: false, exportedAt: null, addressProblem: null });
    expect(store.saved.wallet.payoutAddress).toBe(SEED_ADDRESS);
    const keyFile = join(dir, 'keys', 'wallet-key.json');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    const onDisk = readdirSync(join(dir, 'keys')).map((name) => readFileSync(join(dir, 'keys', name)).toString('latin1')).join('\n');
    for (const form of secretForms(SEED)) expect(onDisk).not.toContain(form);
  });

  it('exports the secret once asked, in the Solana CLI format, and counts that as the backup', async () => {
    const { wallet } = world();
    await wallet.create();
    const exported = await wallet.exportSecret();
    expect(exported.address).toBe(SEED_ADDRESS);
    expect(exported.format).toBe('solana-cli-keypair');
    expect(exported.secretKey).toEqual([...SEED, ...ed25519.getPublicKey(SEED)]);
    expect(wallet.state()).toMatchObject({ backedUp: true, exportedAt: '2026-05-01T12:00:00.000Z' });
    // Still backed up after a restart: the export is recorded beside the key.
    expect(world().wallet.state()).toMatchObject({ createdHere: false, createdAddress: SEED_ADDRESS, backedUp: true });
  });

  it('never puts the secret in the state, a log line, or the provider state pushed to the UI', async () => {
    const settings = new SettingsService(new MemorySettingsStore());
    const log = recordingLogger();
    const keys = new WalletKeyFile({ file: join(dir, 'keys', 'wallet-key.json'), sealers: [new AesFileSealer(join(dir, 'keys', 'sealing.key'))] });
    const core = new ProviderCore({
      mode: 'headless',
      appVersion: '0.0.0-test',
      dataDir: dir,
      ports: { clock: { now: () => 0 }, logger: log.logger, gpuProbe: { detect: async () => ({ status: 'no-gpu', gpus: [], reason: null, nextStep: null, detectedAt: '2026-01-01T00:00:00.000Z' }) }, settingsStore: new MemorySettingsStore() },
      wallet: { keys, balances: fakeBalances().reader, newSeed: () => SEED.slice() },
    });
    const pushed: string[] = [];
    core.events.on('state', (state) => pushed.push(JSON.stringify(state)));
    const call = createDispatcher(core.handlers);
    expect(await call('createWallet', undefined)).toMatchObject({ ok: true, value: { address: SEED_ADDRESS, createdHere: true } });
    expect(await call('exportWalletSecret', undefined)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call('exportWalletSecret', { confirm: false })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const exported = await call('exportWalletSecret', { confirm: true });
    expect(exported.ok && providerMethods.exportWalletSecret.output.parse(exported.value).secretKey).toHaveLength(64);
    const seen = [...pushed, JSON.stringify(core.getState()), ...log.lines, JSON.stringify({ keys, settings })].join('\n');
    expect(core.getState().wallet).toMatchObject({ createdHere: true, backedUp: true });
    for (const form of secretForms(SEED)) expect(seen).not.toContain(form);
  });

  it('refuses a second wallet while the first was never backed up, and keeps the first when it was', async () => {
    const other = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    const { wallet } = world({ seeds: [SEED, other] });
    await wallet.create();
    await expect(wallet.create()).rejects.toMatchObject({ code: 'wallet-not-backed-up', nextStep: expect.stringContaining('offhours wallet export --yes') });
    await wallet.exportSecret();
    const second = await wallet.create();
    expect(second).toMatchObject({ address: encodeBase58(ed25519.getPublicKey(other)), createdHere: true, backedUp: false });
    // The first key is set aside under its address, still sealed: it may hold funds.
    const aside = JSON.parse(readFileSync(join(dir, 'keys', `wallet-key-${SEED_ADDRESS}.json`), 'utf8')) as { address: string; sealedSecretKey: string };
    expect(aside.address).toBe(SEED_ADDRESS);
    expect(aside.sealedSecretKey).not.toContain(bytesToHex(SEED));
  });

  it('opens a key sealed by the other sealer it was given (the CLI seals with the file key in a desktop folder)', async () => {
    await world().wallet.create();
    const keychain = { isEncryptionAvailable: () => true, encryptString: (t: string) => new TextEncoder().encode(t), decryptString: (b: Uint8Array) => new TextDecoder().decode(b) };
    const desktop = new WalletKeyFile({ file: join(dir, 'keys', 'wallet-key.json'), sealers: [new SafeStorageSealer(keychain), new AesFileSealer(join(dir, 'keys', 'sealing.key'))] });
    const seed = await desktop.openSeed();
    expect(bytesToHex(seed)).toBe(bytesToHex(SEED));
    const keychainOnly = new WalletKeyFile({ file: join(dir, 'keys', 'wallet-key.json'), sealers: [new SafeStorageSealer(keychain)] });
    await expect(keychainOnly.openSeed()).rejects.toMatchObject({ code: 'wallet-key-unreadable', message: expect.stringContaining('sealed by aes-256-gcm-file') });
  });

  it('says what to do when the sealing key was replaced or the key file damaged, and never overwrites it', async () => {
    await world().wallet.create();
    writeFileSync(join(dir, 'keys', 'sealing.key'), Buffer.alloc(32, 9));
    await expect(world().wallet.exportSecret()).rejects.toMatchObject({ code: 'wallet-key-unreadable', nextStep: expect.stringContaining('"keys" folder') });
    writeFileSync(join(dir, 'keys', 'wallet-key.json'), '{"version":1');
    const damaged = world();
    expect(damaged.log.lines.join('\n')).toContain('the wallet key file is unreadable');
    await expect(damaged.wallet.create()).rejects.toMatchObject({ code: 'wallet-key-unreadable' });
    expect(readFileSync(join(dir, 'keys', 'wallet-key.json'), 'utf8')).toBe('{"version":1');
  });
});

describe('WalletService: a pasted address', () => {
  it('saves a valid address (trimmed) and refuses anything else in plain words, through settings too', async () => {
    const { wallet, store, settings } = world();
    expect(wallet.setAddress(`  ${PASTED}\n`)).toMatchObject({ address: PASTED, createdHere: false, backedUp: true });
    expect(store.saved.wallet.payoutAddress).toBe(PASTED);
    expect(() => wallet.setAddress('0OIl')).toThrow(/"0" \(character 1\), which never appears in one/);
    expect(() => settings.update({ wallet: { payoutAddress: encodeBase58(new Uint8Array(31).fill(200)) } })).toThrow(/decodes to 31 bytes/);
    expect(settings.update({ wallet: { payoutAddress: null } }).wallet.payoutAddress).toBeNull();
    expect(store.saved.wallet.payoutAddress).toBeNull();
  });

  it('shows what is wrong with a hand-edited address instead of reading balances for it', async () => {
    const balances = fakeBalances();
    const { wallet } = world({ settings: { ...defaultSettings(), wallet: { payoutAddress: 'abc' } }, balances });
    wallet.followEarnings(DEVNET);
    wallet.start();
    await wallet.refresh();
    expect(wallet.state().addressProblem).toMatch(/^The saved payout address cannot be paid to\. This is not a Solana address: it decodes to 3 bytes/);
    expect(balances.requests).toEqual([]);
  });
});

describe('WalletService: balances', () => {
  it('reads SOL and the payout token on the network’s chain, with the explorer for the cluster', async () => {
    const balances = fakeBalances({ [PASTED]: { lamports: 1_500_000_000n, tokenBaseUnits: 2_250_000n } });
    const { wallet } = world({ balances });
    wallet.setAddress(PASTED);
    wallet.followEarnings(DEVNET);
    const slice = await wallet.refresh();
    expect(balances.requests).toEqual([{ rpcUrl: 'https://api.devnet.solana.com', owner: PASTED, mint: MINT }]);
    expect(slice.balances).toEqual({ lamports: '1500000000', tokenBaseUnits: '2250000', fetchedAt: '2026-05-01T12:00:00.000Z', refreshing: false, error: null });
    expect(slice.chain).toMatchObject({ cluster: 'devnet', explorerAddressUrl: 'https://explorer.solana.com/address/{address}?cluster=devnet' });
  });

  it('keeps the last figures and says what failed and what to do when the RPC does not answer', async () => {
    const answers: Record<string, { lamports: bigint; tokenBaseUnits: bigint } | Error> = { [PASTED]: { lamports: 5n, tokenBaseUnits: 7n } };
    const { wallet } = world({ balances: fakeBalances(answers) });
    wallet.setAddress(PASTED);
    wallet.followEarnings(DEVNET);
    await wallet.refresh();
    answers[PASTED] = new Error('fetch failed');
    const slice = await wallet.refresh();
    expect(slice.balances).toMatchObject({ lamports: '5', tokenBaseUnits: '7', refreshing: false });
    expect(slice.balances.error).toBe('Could not read the balances from https://api.devnet.solana.com (fetch failed). The figures shown were read at 2026-05-01T12:00:00.000Z. Check your internet connection, then refresh.');
  });

  it('reads again when started, when the address or chain changes, and when a payout is confirmed; not before start', async () => {
    const balances = fakeBalances();
    const { wallet } = world({ balances });
    wallet.setAddress(PASTED);
    wallet.followEarnings(DEVNET);
    expect(balances.requests).toHaveLength(0);
    wallet.start();
    await wallet.refresh();
    const before = balances.requests.length;
    wallet.followEarnings({ ...DEVNET, payouts: [{ payout: {} as never, chain: 'verified' }] });
    await wallet.refresh();
    expect(balances.requests.length).toBeGreaterThan(before);
    wallet.setAddress(SEED_ADDRESS);
    await wallet.refresh();
    expect(balances.requests.at(-1)?.owner).toBe(SEED_ADDRESS);
  });

  it('drops an answer for an address that changed while it was read, and reads the new one', async () => {
    let release: () => void = () => undefined;
    const requests: string[] = [];
    const reader: WalletBalanceReader = {
      async read(request) {
        requests.push(request.owner);
        if (request.owner === PASTED) await new Promise<void>((resolve) => (release = resolve));
        return { lamports: request.owner === PASTED ? 1n : 2n, tokenBaseUnits: 0n };
      },
    };
    const { wallet } = world({ balances: { reader, requests: [] } });
    wallet.setAddress(PASTED);
    wallet.followEarnings(DEVNET);
    const reading = wallet.refresh();
    await Promise.resolve();
    wallet.setAddress(SEED_ADDRESS);
    release();
    const slice = await reading;
    expect(requests).toEqual([PASTED, SEED_ADDRESS]);
    expect(slice).toMatchObject({ address: SEED_ADDRESS, balances: { lamports: '2' } });
  });
});
