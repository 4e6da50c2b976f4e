import { describe, expect, it } from 'vitest';
import { decideRelaunch, DEFAULT_RELAUNCH_POLICY, type RelaunchPolicy } from './relaunch-policy.js';

const POLICY: RelaunchPolicy = { windowMs: 10 * 60_000, maxCrashes: 4, firstDelayMs: 2_000, maxDelayMs: 10_000 };
const T = 1_000_000_000;

describe('relaunch after a crash', () => {
  it('relaunches after a back-off that doubles with each recent crash', () => {
    const first = decideRelaunch([], T, POLICY);
    expect(first).toEqual({ kind: 'relaunch', delayMs: 2_000, history: [T] });
    const second = decideRelaunch(first.history, T + 5_000, POLICY);
    expect(second).toMatchObject({ kind: 'relaunch', delayMs: 4_000 });
    const third = decideRelaunch(second.history, T + 15_000, POLICY);
    expect(third).toMatchObject({ kind: 'relaunch', delayMs: 8_000, history: [T, T + 5_000, T + 15_000] });
  });

  it('caps the wait', () => {
    expect(decideRelaunch([T, T + 1, T + 2], T + 3, { ...POLICY, maxCrashes: 10 })).toMatchObject({ kind: 'relaunch', delayMs: 10_000 });
  });

  it('gives up at the K-th crash inside the window, says why and what to do, and forgets the count', () => {
    const decision = decideRelaunch([T, T + 1_000, T + 2_000], T + 3_000, POLICY);
    expect(decision.kind).toBe('give-up');
    if (decision.kind !== 'give-up') return;
    expect(decision.reason).toBe('Offhours stopped unexpectedly 4 times in 10 minutes, so it was not restarted again.');
    expect(decision.nextStep).toMatch(/Reveal logs/);
    expect(decision.history).toEqual([]);
  });

  it('forgets crashes older than the window (and nonsense times from a damaged file)', () => {
    const old = [T - POLICY.windowMs, T - POLICY.windowMs - 5, Number.NaN, T + 60_000];
    expect(decideRelaunch(old, T, POLICY)).toEqual({ kind: 'relaunch', delayMs: 2_000, history: [T] });
  });

  it('by default relaunches three times within ten minutes and gives up at the fourth', () => {
    let history: number[] = [];
    const kinds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const decision = decideRelaunch(history, T + i * 30_000);
      kinds.push(decision.kind);
      history = decision.history;
    }
    expect(kinds).toEqual(['relaunch', 'relaunch', 'relaunch', 'give-up']);
    expect(DEFAULT_RELAUNCH_POLICY.windowMs).toBe(10 * 60_000);
  });
});
