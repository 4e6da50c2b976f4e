import type { Writable } from 'node:stream';
import type { BenchRunSummary } from '../../../protocol/bench/wgsl/api-schemas.js';
import { UserFacingError } from '../../../protocol/errors.js';
import type { GpuInventory } from '../../../protocol/gpu.js';
import type { Settings } from '../../../protocol/settings.js';
import { FINISH_ANYWAY, gpuStepSummary, presetOf, PRESET_TEXT, quickBenchNotes, SCHEDULE_PRESETS, type SchedulePreset } from '../../../protocol/setup.js';
import { checkSolanaAddress } from '../../../protocol/solana/address.js';
import type { WalletSlice } from '../../../protocol/wallet.js';
import { dataDirOption, jsonOption, parseCli, printJson, progressLine, resolveDataDir, UsageError, type CliCommand, type TextOut } from '../cli-kit.js';
import { InputClosedError, terminalAsker, type Asker } from '../prompt.js';
import { benchProgressPrinter } from './bench.js';
import { setupTargetFor, type SetupTarget } from './setup-target.js';
import { NoDaemonError } from '../daemon-client.js';
import { reminderLines } from './wallet.js';

export type WalletAnswer = { kind: 'paste'; address: string } | { kind: 'create' };
export type BenchAnswer = 'quick' | 'skip';

/** The four questions' answers given as flags; a missing one is asked in a terminal, or refused with --yes. */
export interface SetupAnswers {
  bench?: BenchAnswer;
  wallet?: WalletAnswer;
  schedule?: SchedulePreset;
  /** --start-at-login: also start Offhours when this user signs in (never asked: off unless given). */
  startAtLogin?: boolean;
}

export interface SetupOptions {
  answers: SetupAnswers;
  /** Ask nothing: every answer must be a flag. */
  yes: boolean;
  json: boolean;
  dataDir: string | undefined;
}

export const SETUP_USAGE =
  'offhours setup [--bench quick|skip] [--wallet ADDRESS | --create-wallet] [--schedule away|nights|always] [--start-at-login] [--yes] [--json] [--data-dir DIR]';

const BENCH_ANSWERS: readonly BenchAnswer[] = ['quick', 'skip'];

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} takes ${allowed.join(', ').replace(/, ([^,]*)$/, ' or $1')}, not "${value}"`);
}

export function parseSetupFlags(argv: string[]): SetupOptions {
  const { values } = parseCli(argv, {
    ...dataDirOption,
    ...jsonOption,
    wallet: { type: 'string' },
    'create-wallet': { type: 'boolean', default: false },
    schedule: { type: 'string' },
    bench: { type: 'string' },
    yes: { type: 'boolean', default: false },
    'start-at-login': { type: 'boolean', default: false },
  });
  if (values.wallet !== undefined && values['create-wallet']) {
    throw new UsageError('choose one: --wallet ADDRESS (a wallet you already have) or --create-wallet (a new one on this PC)');
  }
  const wallet: WalletAnswer | undefined = values['create-wallet'] ? { kind: 'create' } : values.wallet !== undefined ? { kind: 'paste', address: values.wallet } : undefined;
  return {
    answers: { bench: oneOf('--bench', values.bench, BENCH_ANSWERS), wallet, schedule: oneOf('--schedule', values.schedule, SCHEDULE_PRESETS), ...(values['start-at-login'] ? { startAtLogin: true } : {}) },
    yes: values.yes,
    json: values.json,
    dataDir: values['data-dir'],
  };
}

/** The flags a run that cannot ask still needs, in the order the questions come. */
export function missingFlags(answers: SetupAnswers): string[] {
  return [
    answers.bench ? null : '--bench quick|skip',
    answers.wallet ? null : '--wallet ADDRESS (or --create-wallet)',
    answers.schedule ? null : '--schedule away|nights|always',
  ].filter((flag): flag is string => flag !== null);
}

/** How setup talks: `out` for the words and questions (stderr with --json), `err` for progress; `asker` only on a terminal. */
export interface SetupIo {
  out: TextOut;
  err: TextOut;
  asker: (() => Asker) | null;
}

type BenchOutcome = { ran: false; summary: null; error: null } | { ran: true; summary: BenchRunSummary; error: null } | { ran: true; summary: null; error: string };

interface Conversation {
  target: SetupTarget;
  say(text: string): void;
  asker: Asker | null;
  io: SetupIo;
}

/** The words of a refusal the owner should read (core's, or the running service's through its client); null for a bug. */
function plainWords(error: unknown): string | null {
  if (error instanceof UserFacingError) return `${error.message}${error.nextStep ? `\n  Next: ${error.nextStep}` : ''}`;
  return null;
}

async function askYesNo(asker: Asker, question: string, byDefault: boolean): Promise<boolean> {
  for (;;) {
    const answer = (await asker.ask(question)).trim().toLowerCase();
    if (answer === '') return byDefault;
    if (answer === 'y' || answer === 'yes') return true;
    if (answer === 'n' || answer === 'no') return false;
  }
}

function cardLines(inventory: GpuInventory): string {
  const summary = gpuStepSummary(inventory);
  if (summary.canEarn) return `  ✓ ${summary.headline}`;
  return [`  ! ${summary.headline}.`, summary.detail && `    ${summary.detail}`, summary.nextStep && `  Next: ${summary.nextStep}`, `  ${FINISH_ANYWAY}`].filter(Boolean).join('\n');
}

function benchLines(summary: BenchRunSummary): string {
  const scored = summary.correctlyComputed && summary.scoreEligible && summary.composite !== null;
  const head = !summary.correctlyComputed
    ? '  ! The result did not check out, so this run cannot count.'
    : scored
      ? `  ✓ Computed correctly. Score: ${summary.composite} (1000 = an RTX 3060).`
      : '  ✓ Computed correctly, not scored.';
  return [head, ...quickBenchNotes(summary).map((note) => `    ${note.message}`)].join('\n');
}

async function benchStep(talk: Conversation, answer: BenchAnswer | undefined): Promise<BenchOutcome> {
  talk.say('\nStep 2 of 4 · Quick benchmark');
  const run = answer ? answer === 'quick' : await askYesNo(talk.asker!, 'Run the quick benchmark now? It measures your card in about a minute. [Y/n] ', true);
  if (!run) {
    talk.say('  Skipped. Run "offhours bench --quick" any time.');
    return { ran: false, summary: null, error: null };
  }
  for (;;) {
    const line = progressLine(talk.io.err);
    try {
      const summary = await talk.target.bench(benchProgressPrinter(line));
      line.end();
      talk.say(benchLines(summary));
      return { ran: true, summary, error: null };
    } catch (error) {
      line.end();
      const words = plainWords(error);
      if (words === null) throw error;
      talk.say(`  ! The benchmark stopped: ${words}`);
      if (talk.asker && (await askYesNo(talk.asker, 'Try again? [y/N] ', false))) continue;
      talk.say('  Setup goes on without it; run "offhours bench --quick" later.');
      return { ran: true, summary: null, error: words };
    }
  }
}

function walletLines(slice: WalletSlice, created: boolean): string {
  const head = created ? `  ✓ Created a wallet on this PC: ${slice.address}` : `  ✓ Payouts go to ${slice.address}.`;
  return [head, ...reminderLines(slice).filter(Boolean).map((line) => `  ${line}`)].join('\n');
}

async function applyWallet(talk: Conversation, answer: WalletAnswer): Promise<WalletSlice> {
  const slice = answer.kind === 'create' ? await talk.target.createWallet() : await talk.target.setWallet(answer.address);
  talk.say(walletLines(slice, answer.kind === 'create'));
  return slice;
}

/** Asks until there is a wallet: an address that checks out, "create", or Enter to keep the one set. */
async function askWallet(talk: Conversation, asker: Asker): Promise<WalletSlice> {
  const current = await talk.target.wallet();
  const keep = current.address && !current.addressProblem ? current.address : null;
  const question = `Paste your Solana address, or type "create" for a new wallet on this PC${keep ? ` (Enter keeps ${keep})` : ''}: `;
  for (;;) {
    const text = (await asker.ask(question)).trim();
    if (text === '' && keep) return current;
    if (text === '') {
      talk.say('  Earnings are paid to this wallet, so setup needs one.');
      continue;
    }
    const check = text.toLowerCase() === 'create' ? null : checkSolanaAddress(text);
    if (check && !check.ok) {
      talk.say(`  ${check.message}\n  Next: ${check.nextStep}`);
      continue;
    }
    try {
      return await applyWallet(talk, check ? { kind: 'paste', address: check.address } : { kind: 'create' });
    } catch (error) {
      const words = plainWords(error);
      if (words === null) throw error;
      talk.say(`  ${words}`);
    }
  }
}

async function walletStep(talk: Conversation, answer: WalletAnswer | undefined): Promise<WalletSlice> {
  talk.say('\nStep 3 of 4 · Payout wallet');
  return answer ? applyWallet(talk, answer) : askWallet(talk, talk.asker!);
}

/** "2", "nights" or Enter for the preselected one; null for anything else. */
export function presetFromAnswer(text: string, preselected: SchedulePreset): SchedulePreset | null {
  const answer = text.trim().toLowerCase();
  if (answer === '') return preselected;
  const byNumber = SCHEDULE_PRESETS[Number(answer) - 1];
  if (/^[1-9]$/.test(answer) && byNumber) return byNumber;
  return SCHEDULE_PRESETS.find((preset) => preset === answer) ?? null;
}

async function scheduleStep(talk: Conversation, answer: SchedulePreset | undefined, current: Settings): Promise<SchedulePreset> {
  talk.say('\nStep 4 of 4 · When may this PC earn?');
  if (answer) return answer;
  const preselected = presetOf(current.schedule) ?? 'away';
  SCHEDULE_PRESETS.forEach((preset, index) => talk.say(`  ${index + 1}) ${PRESET_TEXT[preset].title}: ${PRESET_TEXT[preset].description}`));
  for (;;) {
    const chosen = presetFromAnswer(await talk.asker!.ask(`Choose 1, 2 or 3 [${SCHEDULE_PRESETS.indexOf(preselected) + 1}]: `), preselected);
    if (chosen) return chosen;
  }
}

function doneText(target: SetupTarget, settings: Settings, wallet: WalletSlice, bench: BenchOutcome): string {
  const preset = settings.setup.schedulePreset!;
  const benchWords = bench.summary ? 'done, kept in the benchmark history' : bench.error ? 'did not finish; run "offhours bench --quick" later' : 'skipped; run "offhours bench --quick" any time';
  const next = target.running
    ? ['Offhours is running and works by these answers now.']
    : ['Next: start Offhours with "offhours headless" (it prints the link to your dashboard), or open the desktop app.'];
  return [
    '\nSetup is done.',
    `  Payouts go to:  ${wallet.address}${wallet.createdHere ? ' (created on this PC)' : ''}`,
    `  When it earns:  ${PRESET_TEXT[preset].title}. Change it any time on the Schedule page.`,
    `  Benchmark:      ${benchWords}`,
    `  Saved in ${target.where}.`,
    ...next,
    '  "offhours status" says what it is doing right now; "offhours earnings" (or the dashboard’s Earnings page) shows what it earned.',
  ].join('\n');
}

/** Refuses, before anything is opened or saved, what would only fail later: a mistyped address, an answer setup cannot ask for. */
function checkUpFront(options: SetupOptions, canAsk: boolean): void {
  const wallet = options.answers.wallet;
  if (wallet?.kind === 'paste') {
    const check = checkSolanaAddress(wallet.address);
    if (!check.ok) throw new UserFacingError('invalid-address', check.message, check.nextStep);
  }
  const missing = missingFlags(options.answers);
  if (canAsk || missing.length === 0) return;
  const why = options.yes ? 'with --yes setup asks nothing' : 'setup can only ask its questions in a terminal';
  throw new UsageError(`missing ${missing.join(', ')}: ${why}, so every answer must come as a flag`);
}

/** The four steps in order; every answer is saved as it is given (a wallet stays set if the schedule question is left). */
export async function runSetup(options: SetupOptions, io: SetupIo, openTarget: (dataDir: string) => SetupTarget = setupTargetFor): Promise<number> {
  const canAsk = !options.yes && io.asker !== null;
  checkUpFront(options, canAsk);
  const target = openTarget(resolveDataDir(options.dataDir));
  const asker = canAsk ? io.asker!() : null;
  const talk: Conversation = { target, asker, io, say: (text) => io.out.write(`${text}\n`) };
  try {
    talk.say(`Offhours setup: your graphics cards, a quick benchmark, your payout wallet and when to earn.\nAnswers are saved in ${target.where}.\n\nStep 1 of 4 · Graphics cards`);
    const gpus = await target.inventory();
    talk.say(cardLines(gpus));
    const bench = await benchStep(talk, options.answers.bench);
    const wallet = await walletStep(talk, options.answers.wallet);
    const preset = await scheduleStep(talk, options.answers.schedule, await target.settings());
    const settings = await target.complete(preset, options.answers.startAtLogin);
    talk.say(doneText(target, settings, wallet, bench));
    if (options.json) printJson({ savedIn: target.running ? 'running-offhours' : 'data-folder', gpus, bench, wallet, setup: settings.setup, schedule: settings.schedule });
    return 0;
  } finally {
    asker?.close();
  }
}

export const setupCommand: CliCommand = {
  name: 'setup',
  usage: SETUP_USAGE,
  async run(argv) {
    const options = parseSetupFlags(argv);
    // With --json, stdout carries only the JSON: the words and the questions go to stderr.
    const out = (options.json ? process.stderr : process.stdout) as Writable & TextOut;
    const io: SetupIo = { out, err: process.stderr, asker: process.stdin.isTTY ? () => terminalAsker(out) : null };
    try {
      return await runSetup(options, io);
    } catch (error) {
      if (error instanceof InputClosedError) {
        process.stderr.write(`${error.message} Answers given so far are saved.\n  Next: run "offhours setup" again to finish.\n`);
        return 130;
      }
      const words = plainWords(error);
      if (words !== null) {
        process.stderr.write(`${words}\n`);
        return 1;
      }
      if (!(error instanceof NoDaemonError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return 3;
    }
  },
};
