import type { Logger } from '../ports.js';

/** Logs one line per event to stderr, so stdout stays clean for --json output. */
export class ConsoleLogger implements Logger {
  constructor(private readonly quiet = false) {}

  info(message: string, fields?: Record<string, unknown>): void {
    if (!this.quiet) this.write('info', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields);
  }

  private write(level: string, message: string, fields?: Record<string, unknown>): void {
    const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
    process.stderr.write(`[${new Date().toISOString()}] ${level}: ${message}${extra}\n`);
  }
}

export const systemClock = { now: () => Date.now() };
