import { mkdirSync, readFileSync } from 'node:fs';
import { earningsFor, validateJobSpec, type CurrentJob } from '../../../protocol/job-spec.js';
import { UserFacingError } from '../../../protocol/errors.js';
import { ConsoleLogger } from '../../core/adapters/console-logger.js';
import { createHeadlessJobs } from '../../compose/node-wiring.js';
import { dataDirOption, jsonOption, parseCli, printJson, resolveDataDir, UsageError, type CliCommand } from '../cli-kit.js';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function formatPull(pull: NonNullable<CurrentJob['pull']>): string {
  if (pull.cached) return 'image already on this machine';
  const bytes = pull.bytesTotal === null ? formatBytes(pull.bytesDone) : `${formatBytes(pull.bytesDone)} of ${formatBytes(pull.bytesTotal)}`;
  return `downloading image: ${bytes} (${pull.layersDone}/${pull.layersTotal} layers)`;
}

const USAGE = 'offhours job run SPEC.json [--data-dir DIR] [--json]';

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, { ...dataDirOption, ...jsonOption }, true);
  const [verb, file, ...extra] = positionals;
  if (verb !== 'run' || !file || extra.length) throw new UsageError('Give the verb "run" and one spec file.');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    process.stderr.write(`Cannot read the job spec ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  // Refuse before anything else happens: no engine is contacted for a hostile spec.
  const validation = validateJobSpec(raw);
  if (!validation.ok) {
    if (values.json) printJson({ accepted: false, reason: validation.reason, message: validation.message });
    process.stderr.write(`Refused (${validation.reason}): ${validation.message}\n`);
    return 1;
  }

  const dataDir = resolveDataDir(values['data-dir']);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const out = (line: string) => {
    if (!values.json) process.stdout.write(`${line}\n`);
  };
  const jobs = createHeadlessJobs(dataDir, new ConsoleLogger(true));
  let interrupted;
  try {
    interrupted = await jobs.start();
  } catch (error) {
    if (error instanceof UserFacingError) {
      process.stderr.write(`${error.message}\n  Next: ${error.nextStep ?? ''}\n`);
      return 1;
    }
    throw error;
  }
  const engine = jobs.state().engine;
  if (engine.state !== 'ready') {
    process.stderr.write(`${engine.message ?? 'No container engine is ready.'}\n  Next: ${engine.nextStep ?? 'run "offhours doctor"'}\n`);
    return 1;
  }
  out(`Engine: ${engine.name} at ${engine.endpoint}`);
  for (const job of interrupted) out(`Earlier job ${job.jobId} was interrupted: ${job.reason} (${Math.floor(job.workedMs / 1000)} s of work on record)`);

  let lastPhase = '';
  let lastPull = '';
  let printed = 0;
  const unsubscribe = jobs.onChange(() => {
    const current = jobs.state().current;
    if (!current) return;
    if (current.phase !== lastPhase) {
      lastPhase = current.phase;
      out(`[${current.phase}]`);
    }
    if (current.pull && current.phase === 'pulling') {
      const line = formatPull(current.pull);
      if (line !== lastPull) out(`  ${(lastPull = line)}`);
    }
    const fresh = current.logLinesTotal - printed;
    if (fresh > 0) {
      const shown = current.logTail.slice(-fresh);
      if (fresh > shown.length) out(`  … ${fresh - shown.length} log lines not shown`);
      for (const line of shown) out(`| ${line}`);
      printed = current.logLinesTotal;
    }
  });

  const started = await jobs.runSpec(raw, 'local');
  if (!started.accepted) {
    process.stderr.write(`Refused (${started.reason}): ${started.message}\n`);
    await jobs.shutdown(true);
    return 1;
  }
  const onSignal = () => {
    out('Stopping the job…');
    void jobs.stopCurrent('Stopped with Ctrl+C');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await started.done;
    unsubscribe();
    const seconds = Math.floor(result.workedMs / 1000);
    const earnings = earningsFor(validation.spec.price.perSecond, seconds);
    if (values.json) printJson({ accepted: true, ...result, estimatedEarnings: earnings });
    out(`Outcome: ${result.outcome}${result.exitCode === null ? '' : ` (exit code ${result.exitCode})`}`);
    if (result.reason) out(`  ${result.reason}`);
    out(`  Worked: ${(result.workedMs / 1000).toFixed(1)} s; at ${validation.spec.price.perSecond} base units/s that is ${earnings} base units.`);
    if (result.outputDigest) out(`  Output digest (sha256 of stdout): ${result.outputDigest}`);
    return result.outcome === 'succeeded' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await jobs.shutdown(true);
  }
}

export const jobCommand: CliCommand = {
  name: 'job',
  usage: USAGE,
  run,
};
