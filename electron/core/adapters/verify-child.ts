import { fileURLToPath } from 'node:url';
import type { BenchReport } from '../../../protocol/bench/report.js';
import { UserFacingError, toErrorBody, type ApiErrorBody } from '../../../protocol/errors.js';
import type { BenchVerdict } from '../bench/summary.js';
import { verdictHere } from '../bench/verdict.js';
import type { NodeChildLauncher } from '../ports.js';
import { exchangeWithChild } from './child-exchange.js';
import { nodeForkLauncher } from './node-child-fork.js';
import { parentChannel, type ParentChannel } from './parent-channel.js';

const WORKER_FLAG = 'OFFHOURS_VERIFY_WORKER';
/** n = 4096 takes about 1 s here; a check still running after this is stuck, not slow. */
const VERIFY_TIMEOUT_MS = 120_000;

type WorkerRequest = { report: BenchReport; challenge: BenchReport['challenge']; nowMs: number };
type WorkerAnswer = { type: 'verdict'; verdict: BenchVerdict } | { type: 'error'; error: ApiErrorBody };

export interface VerifyChildOptions {
  /** Check in a child process. Default: when this module runs as built JavaScript (it forks itself), not under a TypeScript test runner. */
  isolate?: boolean;
  timeoutMs?: number;
  /** Starts the child (default: child_process.fork; the desktop app passes its utilityProcess launcher). */
  children?: NodeChildLauncher;
}

/**
 * Checks a signed report (Merkle paths, Freivalds, the opened rows: tens of MB at n = 4096) in a child process
 * that exits when done, so the daemon's memory never grows by it and a crash there costs only the check.
 */
export function verifyInChild(report: BenchReport, challenge: BenchReport['challenge'], nowMs: number, options: VerifyChildOptions = {}): Promise<BenchVerdict> {
  if (!(options.isolate ?? import.meta.url.endsWith('.js'))) return Promise.resolve(verdictHere(report, challenge, nowMs));
  const child = (options.children ?? nodeForkLauncher).fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, [WORKER_FLAG]: '1' }, name: 'Offhours report check', output: 'pipe' });
  const request: WorkerRequest = { report, challenge, nowMs };
  return exchangeWithChild<BenchVerdict>(child, request, {
    timeoutMs: options.timeoutMs ?? VERIFY_TIMEOUT_MS,
    stderrChars: 2000,
    timedOut: () => new UserFacingError('bench-verify-timeout', 'Checking the signed benchmark report took too long.', 'Close other busy apps and run the benchmark again.'),
    heard: (raw) => {
      const answer = raw as WorkerAnswer;
      return answer.type === 'verdict' ? { answer: answer.verdict } : { error: new UserFacingError(answer.error.code, answer.error.message, answer.error.nextStep) };
    },
    ended: ({ code, signal, error }, stderr) => {
      if (error) return new UserFacingError('bench-verify-crashed', `The report check could not start: ${error.message}`, 'Reinstall Offhours, then run the benchmark again.');
      const detail = stderr.trim().split('\n').slice(-2).join(' ');
      return new UserFacingError('bench-verify-crashed', `The report check stopped unexpectedly (${signal ?? `exit code ${code}`}).${detail ? ` ${detail}` : ''}`, 'Run the benchmark again; Offhours itself kept running. If it happens again, reinstall Offhours.');
    },
  });
}

/** The child side: one report in, one verdict out, then exit. */
function serveAsWorker(channel: ParentChannel): void {
  channel.onceMessage((raw) => {
    const request = raw as WorkerRequest;
    let answer: WorkerAnswer;
    try {
      answer = { type: 'verdict', verdict: verdictHere(request.report, request.challenge, request.nowMs) };
    } catch (error) {
      answer = { type: 'error', error: toErrorBody(error) };
    }
    channel.sendLast(answer);
  });
}

const channel = process.env[WORKER_FLAG] === '1' ? parentChannel() : null;
if (channel) serveAsWorker(channel);
