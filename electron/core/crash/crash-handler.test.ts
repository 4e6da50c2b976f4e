import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrashHistoryFile } from '../adapters/crash-history-file.js';
import { CrashHandler } from './crash-handler.js';

describe('CrashHandler', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'offhours-crash-handler-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** One process's handler: a fresh instance per "process", sharing only the file, as a relaunch does. */
  function instance(now: number) {
    const outcome: { relaunchIn: number[]; gaveUp: string[]; log: string[] } = { relaunchIn: [], gaveUp: [], log: [] };
    const record = (message: string) => void outcome.log.push(message);
    const handler = new CrashHandler({
      history: new CrashHistoryFile(join(dir, 'crash-history.json')),
      logger: { info: record, warn: record, error: record },
      now: () => now,
      relaunchAfter: (ms) => void outcome.relaunchIn.push(ms),
      giveUp: (reason) => void outcome.gaveUp.push(reason),
    });
    return { handler, outcome };
  }

  it('backs off across relaunches (the history is on disk) and gives up at the fourth crash in ten minutes', () => {
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { handler, outcome } = instance(1_000_000 + i * 20_000);
      handler.onCrash(new Error(`boom ${i}`));
      expect(outcome.log).toContain('the main process crashed');
      waits.push(...outcome.relaunchIn);
    }
    expect(waits).toEqual([2_000, 4_000, 8_000]);
    const last = instance(1_060_000);
    last.handler.onCrash(new Error('boom 3'));
    expect(last.outcome.relaunchIn).toEqual([]);
    expect(last.outcome.gaveUp).toEqual(['Offhours stopped unexpectedly 4 times in 10 minutes, so it was not restarted again.']);
    // The owner's own start afterwards begins a fresh count.
    const fresh = instance(1_070_000);
    fresh.handler.onCrash(new Error('again'));
    expect(fresh.outcome.relaunchIn).toEqual([2_000]);
  });

  it('counts errors while a relaunch is pending as the same crash', () => {
    const { handler, outcome } = instance(5_000_000);
    handler.onCrash(new Error('first'));
    handler.onCrash(new Error('second'));
    expect(outcome.relaunchIn).toEqual([2_000]);
    expect(outcome.log.filter((line) => line === 'the main process crashed')).toHaveLength(2);
    expect(new CrashHistoryFile(join(dir, 'crash-history.json')).load()).toEqual([5_000_000]);
  });
});
