import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchRunSummarySchema, type BenchRunSummary } from '../../../protocol/bench/wgsl/api-schemas.js';
import type { BenchHistoryEntry, BenchHistoryStore } from './bench-service.js';

export const BENCH_HISTORY_FILE = 'bench-history.jsonl';

/**
 * Past runs as JSON lines in the data dir: one {summary, report} object per line, appended, never rewritten.
 * A damaged line (a crash mid-write) is skipped, not fatal.
 */
export class JsonlBenchHistory implements BenchHistoryStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, BENCH_HISTORY_FILE);
  }

  append(entry: BenchHistoryEntry): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
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
