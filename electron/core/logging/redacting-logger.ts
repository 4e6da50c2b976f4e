import type { Logger, LogLevel, LogSink } from '../ports.js';
import { Redactor } from './redaction.js';

/**
 * The one Logger of both processes (daemon and desktop app): formats a line, takes secrets out of the message and
 * the fields (see Redactor), then hands the line to every sink. Redaction happens here, once, so no sink and no
 * caller can forget it.
 */
export class RedactingLogger implements Logger {
  constructor(
    private readonly sinks: readonly LogSink[],
    readonly redactor: Redactor = new Redactor(),
    private readonly now: () => number = Date.now,
  ) {}

  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields);
  }

  private write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(this.redactor.fields(fields), bigintAsText)}` : '';
    const line = `[${new Date(this.now()).toISOString()}] ${level}: ${this.redactor.text(message)}${extra}`;
    for (const sink of this.sinks) sink.write(level, line);
  }
}

/** Amounts are bigint in core; JSON.stringify would throw on them. */
function bigintAsText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
