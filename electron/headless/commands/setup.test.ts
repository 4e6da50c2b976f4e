import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GpuInventory } from '../../../protocol/gpu.js';
import { defaultSettings, type Settings } from '../../../protocol/settings.js';
import { presetSchedule } from '../../../protocol/setup.js';
import { ProviderCore } from '../../core/api.js';
import { ConfSettingsStore } from '../../core/adapters/conf-settings-store.js';
import { UsageError } from '../cli-kit.js';
import { walletPorts } from '../../compose/node-wiring.js';
import { startDaemon, type RunningDaemon } from '../daemon.js';
import { missingFlags, parseSetupFlags, presetFromAnswer, runSetup, type SetupIo } from './setup.js';
import { dataFolderTarget } from './setup-target.js';
import { offhours } from './test-support/cli-run.js';
import { scriptedAsker, textSink } from './test-support/scripted-asker.js';
import { SCRIPTED_SUMMARY, scriptedBench } from './test-support/scripted-bench.js';

const PASTED = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
const NO_GPU: GpuInventory = { status: 'no-gpu', gpus: [], reason: 'Offhours found no graphics card on this computer.', nextStep: 'Install the NVIDIA driver and scan again.', detectedAt: '2026-05-01T00:00:00.000Z' };

const savedSettings = (dir: string) => JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Settings;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'offhours-setup-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('offhours setup flags', () => {
  it('reads every answer from its flag', () => {
    expect(parseSetupFlags(['--wallet', PASTED, '--schedule', 'nights', '--bench', 'skip', '--yes', '--json', '--data-dir', '/d'])).toEqual({
      answers: { wallet: { kind: 'paste', address: PASTED }, schedule: 'nights', bench: 'skip' },
      yes: true,
      json: true,
      dataDir: '/d',
    });
    expect(parseSetupFlags(['--create-wallet']).answers).toEqual({ wallet: { kind: 'create' }, schedule: undefined, bench: undefined });
  });

  it.each([
    [['--wallet', PASTED, '--create-wallet'], /choose one: --wallet ADDRESS .* or --create-wallet/],
    [['--schedule', 'weekends'], /--schedule takes away, nights or always, not "weekends"/],
    [['--bench', 'full'], /--bench takes quick or skip, not "full"/],
    [['--walet', PASTED], /walet/],
    [['--schedule'], /--schedule/],
  ])('refuses %j as a usage error naming the flag', (argv, message) => {
    expect(() => parseSetupFlags(argv)).toThrow(UsageError);
    expect(() => parseSetupFlags(argv)).toThrow(message);
  });

  it('lists the answers a run that cannot ask still lacks, in question order', () => {
    expect(missingFlags({})).toEqual(['--bench quick|skip', '--wallet ADDRESS (or --create-wallet)', '--schedule away|nights|always']);
    expect(missingFlags({ bench: 'skip', wallet: { kind: 'create' } })).toEqual(['--schedule away|nights|always']);
    expect(missingFlags({ bench: 'quick', wallet: { kind: 'create' }, schedule: 'always' })).toEqual([]);
  });

  it('takes a schedule answer by number, by name or Enter for the preselected one', () => {
    expect(presetFromAnswer('2', 'away')).toBe('nights');
    expect(presetFromAnswer(' Always ', 'away')).toBe('always');
    expect(presetFromAnswer('', 'nights')).toBe('nights');
    expect(presetFromAnswer('4', 'away')).toBeNull();
    expect(presetFromAnswer('weekends', 'away')).toBeNull();
  });
});

describe('offhours setup, with no Offhours running (the data folder itself)', () => {
  it('a fresh data folder gets the wallet, the nights schedule and the record of setup; no benchmark was run', async () => {
    const result = await offhours('setup', '--wallet', PASTED, '--schedule', 'nights', '--bench', 'skip', '--yes', '--data-dir', dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const settings = savedSettings(dir);
    expect(settings.wallet.payoutAddress).toBe(PASTED);
    expect(settings.schedule).toEqual({ ...defaultSettings().schedule, ...presetSchedule('nights') });
    expect(settings.setup).toEqual({ completedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), skippedAt: null, schedulePreset: 'nights' });
    expect(Date.now() - Date.parse(settings.setup.completedAt!)).toBeLessThan(60_000);
    expect(existsSync(join(dir, 'bench-history.jsonl'))).toBe(false);
    expect(result.stdout).toContain('Step 1 of 4 · Graphics cards');
    expect(result.stdout).toContain('Skipped. Run "offhours bench --quick" any time.');
    expect(result.stdout).toContain(`Payouts go to:  ${PASTED}`);
    expect(result.stdout).toContain('When it earns:  Nights.');
    expect(result.stdout).toContain(`Saved in the data folder ${dir} (Offhours is not running`);
    expect(result.stdout).toContain('Next: start Offhours with "offhours headless"');
  });

  it('--create-wallet --json: only JSON on stdout, the backup reminder and the words on stderr, the key sealed in keys/', async () => {
    const result = await offhours('setup', '--create-wallet', '--schedule', 'always', '--bench', 'skip', '--yes', '--json', '--data-dir', dir);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { savedIn: string; wallet: { address: string; createdHere: boolean; backedUp: boolean }; setup: Settings['setup']; bench: { ran: boolean } };
    expect(json).toMatchObject({ savedIn: 'data-folder', wallet: { createdHere: true, backedUp: false }, setup: { schedulePreset: 'always' }, bench: { ran: false } });
    expect(savedSettings(dir).wallet.payoutAddress).toBe(json.wallet.address);
    expect(savedSettings(dir).schedule).toMatchObject(presetSchedule('always'));
    expect(existsSync(join(dir, 'keys', 'wallet-key.json'))).toBe(true);
    expect(result.stderr).toContain(`Created a wallet on this PC: ${json.wallet.address}`);
    expect(result.stderr).toContain('⚠ Back up this wallet now');
    expect(result.stderr).toContain('offhours wallet export --yes > offhours-wallet.json');
  });

  it('with --yes, a missing answer is a usage error naming its flag, and nothing is saved', async () => {
    const result = await offhours('setup', '--wallet', PASTED, '--bench', 'skip', '--yes', '--data-dir', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing --schedule away|nights|always: with --yes setup asks nothing');
    expect(result.stderr).toContain('Usage: offhours setup');
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
  });

  it('without a terminal it cannot ask either, and says so', async () => {
    const io: SetupIo = { out: textSink(), err: textSink(), asker: null };
    const run = runSetup({ answers: { schedule: 'away' }, yes: false, json: false, dataDir: dir }, io);
    await expect(run).rejects.toThrow(/missing --bench quick\|skip, --wallet ADDRESS \(or --create-wallet\): setup can only ask its questions in a terminal/);
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
  });

  it('a mistyped address is refused in plain words before anything is saved', async () => {
    const result = await offhours('setup', '--wallet', `${PASTED.slice(0, 10)}0${PASTED.slice(11)}`, '--schedule', 'away', '--bench', 'skip', '--yes', '--data-dir', dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('This is not a Solana address: it contains "0" (character 11)');
    expect(result.stderr).toContain('Next: Copy the receiving address again');
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
  });

  it('asks in a terminal: retries a failed benchmark, re-asks a bad address, takes a schedule by number', async () => {
    const bench = scriptedBench(1);
    const asker = scriptedAsker(['', 'y', 'not-an-address', PASTED, '2']);
    const out = textSink();
    const err = textSink(true);
    const code = await runSetup({ answers: {}, yes: false, json: false, dataDir: dir }, { out, err, asker: () => asker }, (d) => dataFolderTarget(d, { probe: { detect: async () => NO_GPU }, bench: () => bench.service }));
    expect(code).toBe(0);
    expect(bench.runs).toEqual([false, true]);
    expect(asker.questions).toEqual([
      'Run the quick benchmark now? It measures your card in about a minute. [Y/n] ',
      'Try again? [y/N] ',
      'Paste your Solana address, or type "create" for a new wallet on this PC: ',
      'Paste your Solana address, or type "create" for a new wallet on this PC: ',
      'Choose 1, 2 or 3 [1]: ',
    ]);
    expect(asker.closed()).toBe(true);
    expect(out.text()).toContain('! No graphics card found.\n    Offhours found no graphics card on this computer.\n  Next: Install the NVIDIA driver and scan again.\n  You can still finish setup now');
    expect(out.text()).toContain('! The benchmark stopped: WebGPU is not available on this PC.\n  Next: Update your graphics driver, then run the benchmark again.');
    expect(out.text()).toContain(`✓ Computed correctly. Score: ${SCRIPTED_SUMMARY.composite} (1000 = an RTX 3060).`);
    expect(out.text()).toMatch(/This is not a Solana address.*\n {2}Next: Copy the receiving address again/);
    expect(out.text()).toContain('2) Nights: Only from 23:00 to 07:00');
    // A terminal gets one line that rewrites itself; the failed run's line is ended before the failure is told.
    expect(err.text()).toContain('\r\x1b[2K[ 45%] Measuring FP32 matrix multiply');
    expect(err.text().match(/\n/g)).toHaveLength(2);
    expect(savedSettings(dir)).toMatchObject({ wallet: { payoutAddress: PASTED }, schedule: presetSchedule('nights'), setup: { schedulePreset: 'nights' } });
  });

  it('prints plain progress lines where stderr is no terminal, one per step', async () => {
    const bench = scriptedBench();
    const err = textSink(false);
    const options = { answers: { bench: 'quick', wallet: { kind: 'paste', address: PASTED }, schedule: 'away' }, yes: true, json: false, dataDir: dir } as const;
    await runSetup(options, { out: textSink(), err, asker: null }, (d) => dataFolderTarget(d, { probe: { detect: async () => NO_GPU }, bench: () => bench.service }));
    expect(err.text()).toBe('[  0%] Getting ready\n[ 40%] Measuring FP32 matrix multiply\n[100%] Done\n');
  });

  it('stopping at a question keeps what was answered and says how to finish', async () => {
    const asker = scriptedAsker(['n', PASTED]);
    const run = runSetup({ answers: {}, yes: false, json: false, dataDir: dir }, { out: textSink(), err: textSink(), asker: () => asker }, (d) => dataFolderTarget(d, { probe: { detect: async () => NO_GPU }, bench: () => scriptedBench().service }));
    await expect(run).rejects.toThrow('Setup stopped before it was finished.');
    expect(savedSettings(dir).wallet.payoutAddress).toBe(PASTED);
    expect(savedSettings(dir).setup.completedAt).toBeNull();
  });
});

describe('offhours setup, with Offhours running', () => {
  let daemon: RunningDaemon | null = null;
  let core: ProviderCore | null = null;
  afterEach(async () => {
    await daemon?.close();
    await core?.stop();
    daemon = core = null;
  });

  it('asks the running service: the benchmark with its progress over the event socket, the wallet, then completeSetup', async () => {
    const bench = scriptedBench();
    core = new ProviderCore({
      mode: 'headless',
      appVersion: '0.0.0-test',
      dataDir: dir,
      ports: { clock: { now: () => Date.now() }, logger: { info: () => undefined, warn: () => undefined, error: () => undefined }, gpuProbe: { detect: async () => NO_GPU }, settingsStore: new ConfSettingsStore(dir) },
      wallet: walletPorts(dir),
      bench: bench.asBenchService(),
    });
    daemon = await startDaemon({ core, host: '127.0.0.1', port: 0, token: 'setup-test-token-0123', rendererDir: '/nonexistent', allowRemote: false });
    writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ url: daemon.url, port: daemon.port, host: '127.0.0.1', token: 'setup-test-token-0123', pid: process.pid }), { mode: 0o600 });

    const result = await offhours('setup', '--wallet', PASTED, '--schedule', 'always', '--bench', 'quick', '--yes', '--data-dir', dir);
    expect(result.code).toBe(0);
    expect(bench.runs).toEqual([true]);
    expect(result.stderr).toMatch(/\[ *40%\] Measuring FP32 matrix multiply/);
    expect(result.stdout).toContain('Saved in the running Offhours, which uses them at once.');
    expect(result.stdout).toContain('Offhours is running and works by these answers now.');
    expect(core.settings.get()).toMatchObject({ wallet: { payoutAddress: PASTED }, schedule: presetSchedule('always'), setup: { schedulePreset: 'always', skippedAt: null } });
    expect(core.settings.get().setup.completedAt).not.toBeNull();
  });

  it('the service refuses to finish without a wallet, in its own words', async () => {
    core = new ProviderCore({
      mode: 'headless',
      appVersion: '0.0.0-test',
      dataDir: dir,
      ports: { clock: { now: () => Date.now() }, logger: { info: () => undefined, warn: () => undefined, error: () => undefined }, gpuProbe: { detect: async () => NO_GPU }, settingsStore: new ConfSettingsStore(dir) },
    });
    await expect(core.handlers.completeSetup({ schedulePreset: 'away' })).rejects.toThrow(/needs a payout wallet/);
    expect(core.settings.get().setup.completedAt).toBeNull();
  });
});
