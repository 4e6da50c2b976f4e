import { describe, expect, it } from 'vitest';
import { ReputationSchema } from '../../protocol/network.js';
import { computeReputation, REPUTATION_WEIGHTS, type ReputationInput } from './reputation.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const HOUR = 3600_000;

function input(overrides: Partial<ReputationInput> = {}): ReputationInput {
  return { onlineAvailableSeconds: 0, offlineAvailableSeconds: 0, runsFinished: 0, runsInterrupted: 0, runsEnded: 0, runsYielded: 0, lastTimedBenchmarkAt: null, now: NOW, ...overrides };
}

function points(reputation: ReturnType<typeof computeReputation>, rule: string): number | undefined {
  return reputation.rules.find((r) => r.rule === rule)?.points;
}

describe('computeReputation', () => {
  it('weights sum to 1000 and the score is the sum of the points, within the wire schema', () => {
    expect(Object.values(REPUTATION_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(1000);
    const perfect = computeReputation(input({ onlineAvailableSeconds: 1000, runsFinished: 10, runsEnded: 10, lastTimedBenchmarkAt: NOW }));
    expect(perfect.score).toBe(1000);
    expect(ReputationSchema.parse(perfect)).toEqual(perfect);
  });

  it('starts a newcomer in the middle: half points without history, none without a benchmark', () => {
    const fresh = computeReputation(input());
    expect(fresh.rules.map((r) => r.points)).toEqual([175, 150, 75, 0]);
    expect(fresh.score).toBe(400);
  });

  it('scores uptime while available and finished versus interrupted jobs as plain ratios', () => {
    const r = computeReputation(input({ onlineAvailableSeconds: 900, offlineAvailableSeconds: 100, runsFinished: 3, runsInterrupted: 1, runsEnded: 5, runsYielded: 1 }));
    expect(r.rules.find((x) => x.rule === 'uptime')).toMatchObject({ value1000: 900, points: 315 });
    expect(r.rules.find((x) => x.rule === 'jobs-finished')).toMatchObject({ value1000: 750, points: 225 });
    expect(r.rules.find((x) => x.rule === 'yields')).toMatchObject({ value1000: 800, points: 120 });
    expect(r.rules.find((x) => x.rule === 'uptime')?.description).toContain('90.0 %');
  });

  it('keeps full benchmark points for a day, then loses them linearly until a week', () => {
    expect(points(computeReputation(input({ lastTimedBenchmarkAt: new Date(NOW.getTime() - 24 * HOUR) })), 'benchmark-age')).toBe(200);
    expect(points(computeReputation(input({ lastTimedBenchmarkAt: new Date(NOW.getTime() - 96 * HOUR) })), 'benchmark-age')).toBe(100);
    expect(points(computeReputation(input({ lastTimedBenchmarkAt: new Date(NOW.getTime() - 30 * 24 * HOUR) })), 'benchmark-age')).toBe(0);
    expect(computeReputation(input({ lastTimedBenchmarkAt: new Date(NOW.getTime() - 2 * HOUR) })).rules[3]?.value1000).toBe(2000);
  });
});
