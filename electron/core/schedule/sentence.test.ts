import { describe, expect, it } from 'vitest';
import { zoneCalendar } from './calendar.js';
import { AvailabilityMachine } from './machine.js';
import { describeAvailability } from './sentence.js';
import { EVERY_DAY, gridOf, rules, sample } from './test-support/test-helpers.js';

const utc = zoneCalendar('UTC');
const NOON = Date.UTC(2026, 10, 25, 12, 0); // Wednesday

function sentenceFor(r: ReturnType<typeof rules>, overrides: Parameters<typeof sample>[1] = {}, at = NOON) {
  const m = new AvailabilityMachine(utc);
  const { decision } = m.step(sample(at, overrides), r);
  return describeAvailability(decision, r, utc, at);
}

describe('the right-now sentence', () => {
  it('outside the chosen hours says when work may start and why', () => {
    const r = rules({ weeklyGrid: gridOf([{ days: EVERY_DAY, from: '23:00', to: '07:00' }]) });
    expect(sentenceFor(r)).toEqual({ now: 'Waiting: outside the hours you chose', next: 'Available from 23:00 — you chose those hours' });
  });

  it('names another day when the next window is not today', () => {
    const r = rules({ weeklyGrid: gridOf([{ days: [5], from: '08:00', to: '12:00' }]) });
    expect(sentenceFor(r).next).toBe('Available from Sat 08:00 — you chose those hours');
    const tomorrow = rules({ weeklyGrid: gridOf([{ days: [3], from: '08:00', to: '12:00' }]) });
    expect(sentenceFor(tomorrow).next).toBe('Available from tomorrow 08:00 — you chose those hours');
  });

  it('while the owner is active says so and when work could start', () => {
    expect(sentenceFor(rules({ idleMinutes: 5 }), { idleSeconds: 60 })).toEqual({
      now: 'Waiting: you are using the PC',
      next: 'Starts after 5 min without input (at 12:04 if you stay away, in 4 minutes)',
    });
  });

  it('available, working, paused, cooling and gaming read plainly', () => {
    const r = rules({ weeklyGrid: gridOf([{ days: EVERY_DAY, from: '00:00', to: '18:00' }]) });
    expect(sentenceFor(r)).toEqual({ now: 'Available: ready for work — you are away', next: 'Until 18:00 — your chosen hours end then' });
    expect(sentenceFor(r, { job: { jobId: 'abc', state: 'running' } }).now).toBe('Working on job abc — you are away');
    expect(sentenceFor(rules({ pausedUntil: 'forever' }))).toEqual({ now: 'Off: you paused earning', next: 'Stays paused until you press Resume' });
    expect(sentenceFor(rules({ pausedUntil: new Date(NOON + 3_600_000).toISOString() })).next).toBe('Resumes at 13:00');
    expect(sentenceFor(rules(), { gpuTempC: 90 })).toEqual({ now: 'Cooling down: the GPU is at 90 °C (your limit is 83 °C)', next: 'Resumes below 78 °C' });
    expect(sentenceFor(rules(), { game: 'eldenring.exe', job: { jobId: 'abc', state: 'running' } }).now).toBe('Paused job abc: you are gaming (eldenring.exe)');
  });

  it('says so when nothing can see the owner, and what to do', () => {
    expect(sentenceFor(rules(), { idleSeconds: 0, presenceUnknown: true })).toEqual({
      now: 'Waiting: Offhours cannot tell whether you are at this PC',
      next: 'Tick "This is a dedicated rig" if nobody uses it, or allow work while you use the PC',
    });
  });

  it('an empty grid says how to fix it', () => {
    expect(sentenceFor(rules({ weeklyGrid: '0'.repeat(336) })).next).toBe('No hours are chosen — paint some hours on the Schedule page');
  });
});
