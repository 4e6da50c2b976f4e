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

const EXIT_WITH_STDIN = '--exit-with-stdin';
const EXIT_WITH_PARENT = '--exit-with-parent';

/**
 * For verbs that run a service until asked to stop (`coordinator`, `localnet`): resolves on SIGINT/SIGTERM and,
 * with `--exit-with-stdin`, when standard input closes (a parent that started it with a pipe there went away,
 * even if it was killed), and with `--exit-with-parent`, when the IPC channel of a parent that forked it closes
 * (an Electron utility process needs neither: Chromium ends it with the app). Listened for from the first moment,
 * so a stop during start-up is heard too. Returns the arguments without those flags, for the service's own parser.
 */
export function stopRequestedBySignal(argv: string[]): { stopped: Promise<void>; argv: string[] } {
  const exitWithStdin = argv.includes(EXIT_WITH_STDIN);
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    if (exitWithStdin) {
      process.stdin.once('end', () => resolve());
      process.stdin.once('close', () => resolve());
      process.stdin.resume();
    }
    if (argv.includes(EXIT_WITH_PARENT) && typeof process.send === 'function') process.once('disconnect', () => resolve());
  });
  return { stopped, argv: argv.filter((arg) => arg !== EXIT_WITH_STDIN && arg !== EXIT_WITH_PARENT) };
}

/** Where a verb writes what people read: a terminal (isTTY) or a pipe, a file, a test's capture. */
export interface TextOut {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressLine {
  /** Shows the text; `plainKey` decides what counts as news where lines cannot be rewritten (a percentage alone is not). */
  update(text: string, plainKey?: string): void;
  /** Ends the line in a terminal, so what follows starts on its own line. */
  end(): void;
}

/** Progress on one line that rewrites itself in a terminal, and one plain line per step elsewhere (logs, pipes, CI). */
export function progressLine(out: TextOut): ProgressLine {
  let shown = '';
  let lastKey = '';
  let open = false;
  return {
    update(text, plainKey = text) {
      if (out.isTTY) {
        if (text === shown) return;
        shown = text;
        open = true;
        // Carriage return and "erase line": the next text replaces this one in place.
        out.write(`\r\x1b[2K${text}`);
      } else if (plainKey !== lastKey) {
        lastKey = plainKey;
        out.write(`${text}\n`);
      }
    },
    end() {
      if (open) out.write('\n');
      open = false;
      shown = '';
    },
  };
}
