import type { GpuProcess } from '../ports.js';
import { parsePmonLine, pmonColumns } from './parsers.js';

/**
 * Pieces of the long-lived nvidia-smi sampler that decide things: how a byte stream becomes lines, how lines
 * become the latest sample, when a sample is too old to trust, and how long to wait before starting a stream
 * that ended. No I/O; time is passed in.
 */

/** Splits a stream's text into whole lines, keeping an unfinished tail for the next chunk. */
export class LineSplitter {
  private tail = '';

  /** A line this long without a newline is not nvidia-smi output: it is dropped rather than kept growing. */
  constructor(private readonly maxLineChars = 64 * 1024) {}

  push(chunk: string): string[] {
    const parts = (this.tail + chunk).split('\n');
    this.tail = parts.pop() ?? '';
    if (this.tail.length > this.maxLineChars) this.tail = '';
    return parts.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }

  /** A new process starts a new stream: a half line of the old one must not prefix its first line. */
  reset(): void {
    this.tail = '';
  }
}

/**
 * nvidia-smi writes a whole sample at once every period; lines that arrive within `gapMs` of the one before
 * belong to the same sample, a longer pause starts the next one.
 */
export class SampleCollector<T> {
  private items: T[] = [];
  private lastAt = Number.NEGATIVE_INFINITY;

  /** maxItems: a stream that never pauses would otherwise grow one "sample" forever; the newest items are kept. */
  constructor(
    private readonly gapMs: number,
    private readonly maxItems = 512,
  ) {}

  push(item: T, at: number): void {
    if (at - this.lastAt > this.gapMs) this.items = [];
    if (this.items.length >= this.maxItems) this.items.shift();
    this.items.push(item);
    this.lastAt = at;
  }

  /** The newest sample, or null when none arrived within `maxAgeMs` (a stale sample is no sample). */
  latest(now: number, maxAgeMs: number): readonly T[] | null {
    return now - this.lastAt <= maxAgeMs ? this.items : null;
  }

  clear(): void {
    this.items = [];
    this.lastAt = Number.NEGATIVE_INFINITY;
  }
}

/**
 * One line of `nvidia-smi --query-gpu=temperature.gpu --format=csv,noheader,nounits`: a GPU's °C, null for a GPU
 * without a sensor ("[N/A]", "[Not Supported]"), undefined for a line that is no GPU's (an error, garbage).
 */
export function parseTemperatureLine(line: string): number | null | undefined {
  const text = line.trim();
  if (/^\[(N\/A|Not Supported|Unknown Error)\]$/i.test(text)) return null;
  if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** The hottest GPU of one temperature sample; null when no GPU reported one. */
export function hottest(sample: readonly (number | null)[]): number | null {
  const known = sample.filter((t): t is number => t !== null && t > 0);
  return known.length ? Math.max(...known) : null;
}

/** One data line of a pmon stream: its GPU, and the process (null on the "-" line of a GPU nobody uses). */
export interface PmonRow {
  gpu: number;
  process: GpuProcess | null;
}

/**
 * Reads `nvidia-smi pmon -s um` line by line. Column positions come from the last header seen (pmon prints it
 * at the start and may repeat it), so drivers with and without the jpg/ofa columns both parse.
 */
export class PmonLineReader {
  private columns: string[] | null = null;

  /** A data row, or null for headers, blank lines, errors and anything else that is no sample. */
  read(line: string): PmonRow | null {
    if (line.startsWith('#')) {
      this.columns = pmonColumns(line) ?? this.columns;
      return null;
    }
    if (!this.columns) return null;
    return parsePmonLine(this.columns, line);
  }

  reset(): void {
    this.columns = null;
  }
}

export interface RestartPolicy {
  /** The wait after the first quick failure; it doubles with each quick failure after it. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A stream that ran this long was healthy: its end starts the back-off afresh. */
  healthyAfterMs: number;
  /** No nvidia-smi on this machine: look again only this rarely (a driver may be installed meanwhile). */
  missingRecheckMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { firstDelayMs: 1000, maxDelayMs: 5 * 60_000, healthyAfterMs: 60_000, missingRecheckMs: 10 * 60_000 };

export interface StreamEnd {
  /** The program does not exist (ENOENT on every candidate). */
  missing: boolean;
  /** How long the stream ran before it ended. */
  ranMs: number;
}

/** How long to wait before starting a stream again after it ended, and the quick-failure count that follows. */
export function restartDelay(end: StreamEnd, quickFailures: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): { delayMs: number; quickFailures: number } {
  if (end.missing) return { delayMs: policy.missingRecheckMs, quickFailures: 0 };
  if (end.ranMs >= policy.healthyAfterMs) return { delayMs: policy.firstDelayMs, quickFailures: 1 };
  const delayMs = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** quickFailures);
  return { delayMs, quickFailures: quickFailures + 1 };
}
