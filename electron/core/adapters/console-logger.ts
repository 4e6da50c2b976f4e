import { RedactingLogger } from '../logging/redacting-logger.js';
import type { LogLevel, LogSink } from '../ports.js';

/** Lines on stderr, so stdout stays clean for --json output; `quiet` drops info lines there (never in the file). */
export function stderrSink(quiet = false): LogSink {
  return {
    write(level: LogLevel, line: string) {
      if (!(quiet && level === 'info')) process.stderr.write(`${line}\n`);
    },
  };
}

/** The process logger: stderr, plus the rotating log file in the data folder when one is given. */
export class ConsoleLogger extends RedactingLogger {
  constructor(quiet = false, file: LogSink | null = null) {
    super(file ? [stderrSink(quiet), file] : [stderrSink(quiet)]);
  }
}

export const systemClock = { now: () => Date.now() };
