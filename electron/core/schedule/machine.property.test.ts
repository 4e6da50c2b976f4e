import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { zoneCalendar } from './calendar.js';
import { AvailabilityMachine, ownerActive, type ScheduleSample } from './machine.js';
import { rules } from './test-support/test-helpers.js';

const T0 = Date.UTC(2026, 2, 28, 20, 0); // a Saturday evening before the Berlin DST change

const stepArb = fc.record({
  // Mostly small gaps, sometimes sleep/resume jumps and clocks going backwards.
  dtMs: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: -7_200_000, max: 86_400_000 })),
  idleSeconds: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 7200, noNaN: true })),
  locked: fc.boolean(),
  onBattery: fc.boolean(),
  foreignGpu: fc.option(fc.constant('blender'), { freq: 4 }),
  game: fc.option(fc.constant('cs2'), { freq: 4 }),
  gpuTempC: fc.option(fc.integer({ min: 30, max: 100 })),
  engineHealthy: fc.boolean(),
  networkHealthy: fc.boolean(),
  /** How the (simulated) job runner answers: applies the action, ignores it, or a job arrives on its own. */
  runner: fc.constantFrom('obey', 'obey', 'obey', 'ignore', 'new-job', 'job-vanishes'),
});

const rulesArb = fc.record({
  idleMinutes: fc.integer({ min: 1, max: 240 }),
  pauseOnBattery: fc.boolean(),
  maxGpuTempC: fc.integer({ min: 50, max: 100 }),
  weeklyGrid: fc.constantFrom('1'.repeat(336), '0'.repeat(336), '01'.repeat(168), ('1'.repeat(24) + '0'.repeat(24)).repeat(7)),
  pausedUntil: fc.constantFrom(null, 'forever', '2026-03-28T21:00:00.000Z'),
});

describe('property: never Working while the owner is active (allowWhileActive off)', () => {
  it('holds for any sequence of samples, job-runner behaviour and rules', () => {
    fc.assert(
      fc.property(rulesArb, fc.array(stepArb, { minLength: 1, maxLength: 120 }), (partial, steps) => {
        const r = rules({ ...partial, allowWhileActive: false, dedicatedRig: false });
        const machine = new AvailabilityMachine(zoneCalendar('Europe/Berlin'));
        let at = T0;
        let job: ScheduleSample['job'] = null;
        for (const step of steps) {
          at += step.dtMs;
          if (step.runner === 'new-job' && !job) job = { jobId: 'j', state: 'running' };
          if (step.runner === 'job-vanishes') job = null;
          const sample: ScheduleSample = { at, ...step, job };
          const { decision, actions } = machine.step(sample, r);
          if (ownerActive(sample, r)) {
            expect(decision.state).not.toBe('working');
            expect(decision.state).not.toBe('available');
            // A running job is frozen in the same step.
            if (job?.state === 'running') expect(actions.map((a) => a.kind)).toContain('freeze');
            expect(actions.map((a) => a.kind)).not.toContain('thaw');
          }
          if (step.runner !== 'ignore') {
            for (const action of actions) {
              if (action.kind === 'freeze') job = { jobId: action.jobId, state: 'frozen' };
              if (action.kind === 'thaw') job = { jobId: action.jobId, state: 'running' };
              if (action.kind === 'stop') job = null;
            }
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
