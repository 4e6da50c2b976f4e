import { parseArgs, type ParseArgsConfig } from 'node:util';
import { defaultDataDir } from './paths.js';

/** One CLI verb: its usage line and what it does. Returns the process exit code. */
export interface CliCommand {
  name: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Raised for bad command-line input; the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {}

export const dataDirOption = { 'data-dir': { type: 'string' } } as const;
export const jsonOption = { json: { type: 'boolean', default: false } } as const;

export function parseCli<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function resolveDataDir(value: unknown): string {
  return typeof value === 'string' && value.length > 0 ? value : defaultDataDir();
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
