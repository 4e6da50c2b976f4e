import { existsSync, readFileSync } from 'node:fs';
import { PACKAGE_UPDATES_LINE } from '../../../protocol/update.js';
import { logFilePath } from '../../compose/node-wiring.js';
import { dataDirOption, jsonOption, parseCli, printJson, resolveDataDir, UsageError, type CliCommand } from '../cli-kit.js';
import { appVersion } from '../paths.js';

/** `offhours version`: the version and where updates come from, the same line the dashboard's Settings shows. */
export const versionCommand: CliCommand = {
  name: 'version',
  usage: 'offhours version [--json]',
  run: async (argv) => {
    const { values } = parseCli(argv, { ...jsonOption });
    if (values.json) printJson({ version: appVersion(), updates: PACKAGE_UPDATES_LINE });
    else process.stdout.write(`Offhours ${appVersion()}\n${PACKAGE_UPDATES_LINE}\n`);
    return 0;
  },
};

const MAX_TAIL = 10_000;

/** "--tail 50" → 50; anything but a whole number from 1 to 10 000 is a usage error. */
export function parseTail(text: string): number {
  const lines = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(lines) || lines < 1 || lines > MAX_TAIL) throw new UsageError(`--tail takes a number of lines from 1 to ${MAX_TAIL}, not "${text}"`);
  return lines;
}

/** The last `count` lines of a log's text (the file ends with a newline). */
export function lastLines(text: string, count: number): string {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.slice(-count).join('\n')}\n`;
}

/** `offhours logs`: where the log file is (the same file Settings' "Reveal logs" shows), or its last lines. */
export const logsCommand: CliCommand = {
  name: 'logs',
  usage: 'offhours logs [--tail N] [--data-dir DIR]',
  run: async (argv) => {
    const { values } = parseCli(argv, { ...dataDirOption, tail: { type: 'string' } });
    const path = logFilePath(resolveDataDir(values['data-dir']));
    const tail = values.tail === undefined ? null : parseTail(values.tail);
    if (tail === null) {
      process.stdout.write(`${path}\n`);
      if (!existsSync(path)) process.stderr.write('No log yet: Offhours writes it once it has run here.\n');
      return 0;
    }
    if (!existsSync(path)) {
      process.stderr.write(`No log yet at ${path}: Offhours writes it once it has run here.\n`);
      return 1;
    }
    // Rotation keeps the file under a few megabytes, so reading it whole is fine.
    process.stdout.write(lastLines(readFileSync(path, 'utf8'), tail));
    return 0;
  },
};
