import { displaySafe } from '../../../protocol/display-text.js';

/**
 * A bounded, rate-limited ring of log lines. A job that prints a flood cannot grow our memory or flood the UI:
 * at most `maxLines` are kept, each cut at `maxLineBytes`, and lines beyond `linesPerSecond` (with a burst
 * allowance) are counted as dropped instead of stored. Time is passed in. Pure.
 */
export interface LogRingOptions {
  maxLines: number;
  maxLineBytes: number;
  linesPerSecond: number;
  burst: number;
}

export const DEFAULT_LOG_RING: LogRingOptions = { maxLines: 500, maxLineBytes: 2000, linesPerSecond: 200, burst: 1000 };

export class LogRing {
  private readonly lines: string[] = [];
  private head = 0;
  private tokens: number;
  private lastRefill: number | null = null;
  private readonly partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  private readonly decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  dropped = 0;
  accepted = 0;

  constructor(private readonly options: LogRingOptions = DEFAULT_LOG_RING) {
    this.tokens = options.burst;
  }

  /** Feeds raw bytes of one stream; complete lines are admitted. */
  pushChunk(stream: 'stdout' | 'stderr', chunk: Uint8Array, now: number): void {
    const text = this.partial[stream] + this.decoders[stream].decode(chunk, { stream: true });
    const parts = text.split('\n');
    this.partial[stream] = parts.pop() ?? '';
    // Cap an endless line without a newline too.
    if (this.partial[stream].length > this.options.maxLineBytes * 4) {
      parts.push(this.partial[stream]);
      this.partial[stream] = '';
    }
    for (const line of parts) this.pushLine(stream === 'stderr' ? `! ${line}` : line, now);
  }

  /** Admits whatever partial lines are left (the stream ended). */
  flush(now: number): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].decode();
      this.partial[stream] = '';
      if (rest) this.pushLine(stream === 'stderr' ? `! ${rest}` : rest, now);
    }
  }

  pushLine(line: string, now: number): boolean {
    if (now !== this.lastRefill) this.refill(now);
    if (this.tokens < 1) {
      this.dropped++;
      return false;
    }
    this.tokens -= 1;
    const cut = line.length > this.options.maxLineBytes ? `${line.slice(0, this.options.maxLineBytes)}…` : line;
    // Guest output is untrusted: no control sequences, bidi overrides or invisible characters reach a terminal or the UI.
    const clean = displaySafe(cut);
    if (this.lines.length < this.options.maxLines) this.lines.push(clean);
    else {
      this.lines[this.head] = clean;
      this.head = (this.head + 1) % this.options.maxLines;
    }
    this.accepted++;
    return true;
  }

  /** The newest `count` lines, oldest first. */
  tail(count = this.options.maxLines): string[] {
    const ordered = this.lines.length < this.options.maxLines ? this.lines : [...this.lines.slice(this.head), ...this.lines.slice(0, this.head)];
    return ordered.slice(Math.max(0, ordered.length - count));
  }

  private refill(now: number): void {
    if (this.lastRefill === null) this.lastRefill = now;
    const elapsed = Math.max(0, now - this.lastRefill) / 1000;
    this.lastRefill = now;
    this.tokens = Math.min(this.options.burst, this.tokens + elapsed * this.options.linesPerSecond);
  }
}
