import { appendFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchRunSummarySchema, type BenchRunSummary } from '../../../protocol/bench/wgsl/api-schemas.js';
import type { BenchHistoryEntry, BenchHistoryStore } from './bench-service.js';

export const BENCH_HISTORY_FILE = 'bench-history.jsonl';

/** Past this size the file is cut back to its newest half: list() reads it whole, so it must stay small. */
export const BENCH_HISTORY_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Past runs as JSON lines in the data dir: one {summary, report} object per line, appended. A damaged line
 * (a crash mid-write) is skipped, not fatal. Each line holds a whole signed report, so a rig that benchmarks
 * every day would grow it without end: past maxBytes only the newest runs that fit in half of it are kept.
 */
export class JsonlBenchHistory implements BenchHistoryStore {
  readonly path: string;

  constructor(
    dataDir: string,
    private readonly maxBytes = BENCH_HISTORY_MAX_BYTES,
  ) {
    this.path = join(dataDir, BENCH_HISTORY_FILE);
  }

  append(entry: BenchHistoryEntry): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    if (statSync(this.path).size > this.maxBytes) this.compact();
  }

  /** Keeps the newest lines within half the budget; written aside and renamed, so a crash loses nothing. */
  private compact(): void {
    const lines = readFileSync(this.path, 'utf8').split('\n').filter((line) => line.trim());
    const kept: string[] = [];
    let bytes = 0;
    for (let i = lines.length - 1; i >= 0; i--) {
      bytes += Buffer.byteLength(lines[i]!) + 1;
      if (bytes > this.maxBytes / 2 && kept.length > 0) break;
      kept.unshift(lines[i]!);
    }
    writeFileSync(`${this.path}.tmp`, `${kept.join('\n')}\n`, { mode: 0o600 });
    renameSync(`${this.path}.tmp`, this.path);
  }

  list(limit = 50): BenchRunSummary[] {
    return this.entries(limit).map((entry) => entry.summary);
  }

  entries(limit = 50): BenchHistoryEntry[] {
    if (!existsSync(this.path)) return [];
    const out: BenchHistoryEntry[] = [];
    const lines = readFileSync(this.path, 'utf8').split('\n');
    for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
      const line = lines[i]!.trim();
      if (!line) continue;
      try {
        const raw = JSON.parse(line) as { summary?: unknown; report?: unknown };
        const summary = BenchRunSummarySchema.safeParse(raw.summary);
        if (summary.success) out.push({ summary: summary.data, report: raw.report });
      } catch {
        // A torn line from a crash: skip it.
      }
    }
    return out;
  }
}
