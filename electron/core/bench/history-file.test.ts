import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BenchRunSummary } from '../../../protocol/bench/wgsl/api-schemas.js';
import { JsonlBenchHistory } from './history-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function summary(id: string): BenchRunSummary {
  return {
    id, createdAt: '2026-01-01T00:00:00.000Z', backend: 'webgpu', quick: true, n: 256, deviceName: 'SwiftShader', software: true, detectedModel: null, composite: 0,
    kernels: [], sustained: null, merkleRoot: 'a'.repeat(64), correctlyComputed: true, scoreEligible: false, flags: [], wallMs: 1000,
  };
}

describe('benchmark history as JSON lines', () => {
  it('lists newest first, skips torn lines, and keeps the file private', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offhours-hist-'));
    dirs.push(dir);
    const history = new JsonlBenchHistory(dir);
    expect(history.list()).toEqual([]);
    history.append({ summary: summary('one'), report: { any: 1 } });
    appendFileSync(history.path, '{"summary": {"id": "torn"\n');
    history.append({ summary: summary('two'), report: { any: 2 } });
    expect(history.list().map((s) => s.id)).toEqual(['two', 'one']);
    expect(history.list(1).map((s) => s.id)).toEqual(['two']);
    expect(history.entries()[0]!.report).toEqual({ any: 2 });
    expect(statSync(history.path).mode & 0o077).toBe(0);
  });

  it('stays within its size bound however many runs are kept, losing only the oldest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offhours-hist-'));
    dirs.push(dir);
    const history = new JsonlBenchHistory(dir, 64 * 1024);
    const bulky = { rows: 'r'.repeat(4000) }; // a signed report is mostly opened rows
    for (let i = 0; i < 200; i++) {
      history.append({ summary: summary(`run-${i}`), report: bulky });
      expect(statSync(history.path).size).toBeLessThanOrEqual(64 * 1024);
    }
    const ids = history.list(1000).map((s) => s.id);
    expect(ids[0]).toBe('run-199');
    expect(ids.length).toBeGreaterThan(5);
    expect(ids).toEqual(ids.map((_, i) => `run-${199 - i}`)); // newest first, none missing in between
    expect(statSync(history.path).mode & 0o077).toBe(0);
  });
});
