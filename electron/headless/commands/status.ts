import type { Availability, PauseRequest } from '../../../protocol/availability.js';
import type { ProviderApi } from '../../../protocol/api.js';
import { UserFacingError } from '../../../protocol/errors.js';
import { dataDirOption, jsonOption, parseCli, printJson, resolveDataDir, UsageError, type CliCommand } from '../cli-kit.js';
import { connectDaemon, NoDaemonError, readDaemonInfo } from '../daemon-client.js';

/**
 * Prints a failure the owner can act on and returns the exit code: a refusal or an answer outside the contract
 * (1), no Offhours running (3). Anything else is a bug and is thrown on.
 */
export function reportDaemonFailure(error: unknown): number {
  if (error instanceof UserFacingError) {
    process.stderr.write(`${error.message}${error.nextStep ? `\n  Next: ${error.nextStep}` : ''}\n`);
    return 1;
  }
  if (error instanceof NoDaemonError) {
    process.stderr.write(`${error.message}\n`);
    return 3;
  }
  throw error;
}

export function formatAvailability(availability: Availability | null): string {
  if (!availability) return 'Offhours is starting; the scheduler has not taken its first sample yet.\n';
  const lines = [`${availability.now}`];
  if (availability.next) lines.push(`  Next: ${availability.next}`);
  lines.push(`  State: ${availability.state} (${availability.reason}${availability.detail ? `: ${availability.detail}` : ''}) since ${availability.since}`);
  return `${lines.join('\n')}\n`;
}

async function withDaemon(argv: string[], extra: Record<string, { type: 'string' | 'boolean' }>, run: (api: ProviderApi, values: Record<string, unknown>) => Promise<number>): Promise<number> {
  const { values } = parseCli(argv, { ...dataDirOption, ...jsonOption, ...extra });
  try {
    return await run(connectDaemon(readDaemonInfo(resolveDataDir(values['data-dir']))).api, values);
  } catch (error) {
    return reportDaemonFailure(error);
  }
}

export const statusCommand: CliCommand = {
  name: 'status',
  usage: 'offhours status [--data-dir DIR] [--json]',
  run: (argv) =>
    withDaemon(argv, {}, async (api, values) => {
      const state = await api.getState();
      if (values.json) printJson(state.availability);
      else process.stdout.write(formatAvailability(state.availability));
      return 0;
    }),
};

/** "1h", "90m", "2h30m" → minutes. */
export function parseDuration(text: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?$/.exec(text.trim());
  const minutes = match && (match[1] || match[2]) ? Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0) : NaN;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60) throw new UsageError(`--for takes a duration like 1h, 30m or 2h30m (up to a week), not "${text}"`);
  return minutes;
}

export const pauseCommand: CliCommand = {
  name: 'pause',
  usage: 'offhours pause [--for 1h | --until-tomorrow | --until-resume] [--data-dir DIR] [--json]',
  run: (argv) =>
    withDaemon(argv, { for: { type: 'string' }, 'until-tomorrow': { type: 'boolean' }, 'until-resume': { type: 'boolean' } }, async (api, values) => {
      const chosen = [values.for !== undefined, values['until-tomorrow'] === true, values['until-resume'] === true].filter(Boolean).length;
      if (chosen > 1) throw new UsageError('choose one of --for, --until-tomorrow, --until-resume');
      const request: PauseRequest =
        values['until-tomorrow'] === true
          ? { kind: 'until-tomorrow' }
          : values['until-resume'] === true
            ? { kind: 'until-resume' }
            : { kind: 'for', minutes: parseDuration(typeof values.for === 'string' ? values.for : '1h') };
      const settings = await api.pauseEarning(request);
      const until = settings.schedule.pausedUntil;
      if (values.json) printJson({ pausedUntil: until });
      else process.stdout.write(until === 'forever' ? 'Paused until you run "offhours resume".\n' : `Paused until ${new Date(until!).toLocaleString()}.\n`);
      return 0;
    }),
};

export const resumeCommand: CliCommand = {
  name: 'resume',
  usage: 'offhours resume [--data-dir DIR] [--json]',
  run: (argv) =>
    withDaemon(argv, {}, async (api, values) => {
      await api.resumeEarning();
      const state = await api.getState();
      if (values.json) printJson({ pausedUntil: null });
      else process.stdout.write(`Resumed.\n${formatAvailability(state.availability)}`);
      return 0;
    }),
};
