import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CadencedPoller, LOGIND_CADENCE, nextPollDelay, XPRINTIDLE_CADENCE } from './poll-cadence.js';

describe('poll cadence', () => {
  it('waits the rest or watch interval, counted from the start of the last poll', () => {
    expect(nextPollDelay(XPRINTIDLE_CADENCE, false, 30)).toBe(970);
    expect(nextPollDelay(XPRINTIDLE_CADENCE, true, 30)).toBe(120);
    expect(nextPollDelay(LOGIND_CADENCE, true, 450)).toBe(0);
  });

  it('fast enough while watching for the polled goal: interval + a slow tool run + a freeze ≤ 300 ms', () => {
    for (const cadence of [XPRINTIDLE_CADENCE, LOGIND_CADENCE]) expect(cadence.watchMs + 40 + 40).toBeLessThanOrEqual(300);
  });
});

describe('CadencedPoller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls slowly at rest, at once and fast while watching, slowly again after, and never after stop', async () => {
    let polls = 0;
    const poller = new CadencedPoller(async () => void polls++, { restMs: 1000, watchMs: 200 });
    poller.start();
    await vi.advanceTimersByTimeAsync(2999);
    expect(polls).toBe(2);
    poller.watch(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(polls).toBe(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(polls).toBe(8);
    poller.watch(false);
    await vi.advanceTimersByTimeAsync(1100);
    expect(polls).toBe(9); // the poll already scheduled at the fast pace, then a second later
    await vi.advanceTimersByTimeAsync(200);
    expect(polls).toBe(10);
    poller.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(polls).toBe(10);
  });

  it('never runs two polls at once, however slow the tool', async () => {
    let running = 0;
    let most = 0;
    const poller = new CadencedPoller(
      async () => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 500));
        running--;
      },
      { restMs: 100, watchMs: 50 },
    );
    poller.start();
    await vi.advanceTimersByTimeAsync(300);
    poller.watch(true);
    await vi.advanceTimersByTimeAsync(2000);
    poller.stop();
    expect(most).toBe(1);
  });
});
