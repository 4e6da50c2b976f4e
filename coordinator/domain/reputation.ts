/**
 * Transparent reputation: four public rules over facts the coordinator observed itself, each shown to the
 * provider with its measured input, its points and its weight. The weights sum to 1000, so the score is the
 * plain sum of the points. A rule with no history yet gives half its weight: new providers start in the
 * middle, neither trusted nor punished.
 */
import type { Reputation } from '../../protocol/network.js';

export interface ReputationInput {
  /** Seconds online while the scheduler said available (or working). */
  onlineAvailableSeconds: number;
  /** Seconds gone after last saying it was available (including a drop still going on). */
  offlineAvailableSeconds: number;
  runsFinished: number;
  runsInterrupted: number;
  /** Runs that ended in any way (finished, failed, interrupted, cancelled). */
  runsEnded: number;
  /** Ended runs during which the owner took the GPU back. */
  runsYielded: number;
  /** The last timed benchmark that passed, null when none did. */
  lastTimedBenchmarkAt: Date | null;
  now: Date;
}

export const REPUTATION_WEIGHTS = { uptime: 350, 'jobs-finished': 300, yields: 150, 'benchmark-age': 200 } as const;
/** A benchmark this fresh earns every point; the points then fall linearly to none at BENCHMARK_STALE_MS. */
export const BENCHMARK_FRESH_MS = 24 * 3600_000;
export const BENCHMARK_STALE_MS = 7 * 24 * 3600_000;

type Rule = Reputation['rules'][number];

export function computeReputation(input: ReputationInput): Reputation {
  const rules = [uptimeRule(input), jobsFinishedRule(input), yieldsRule(input), benchmarkAgeRule(input)];
  const score = Math.min(1000, rules.reduce((sum, rule) => sum + rule.points, 0));
  return { score, rules };
}

/** Points for a ratio given as thousandths (0…1000), rounded down. */
function pointsFor(weight: number, value1000: number): number {
  return Math.floor((weight * Math.max(0, Math.min(1000, value1000))) / 1000);
}

function ratio1000(part: number, whole: number): number {
  return Math.floor((Math.max(0, part) * 1000) / whole);
}

function percent(value1000: number): string {
  return `${(value1000 / 10).toFixed(1)} %`;
}

function uptimeRule(input: ReputationInput): Rule {
  const weight = REPUTATION_WEIGHTS.uptime;
  const total = Math.max(0, input.onlineAvailableSeconds) + Math.max(0, input.offlineAvailableSeconds);
  if (total === 0) return { rule: 'uptime', description: 'No availability history yet: half points until there is some', value1000: 0, points: Math.floor(weight / 2), weight };
  const value1000 = ratio1000(input.onlineAvailableSeconds, total);
  return { rule: 'uptime', description: `Online ${percent(value1000)} of the time you said you were available`, value1000, points: pointsFor(weight, value1000), weight };
}

function jobsFinishedRule(input: ReputationInput): Rule {
  const weight = REPUTATION_WEIGHTS['jobs-finished'];
  const counted = Math.max(0, input.runsFinished) + Math.max(0, input.runsInterrupted);
  if (counted === 0) return { rule: 'jobs-finished', description: 'No finished or interrupted jobs yet: half points until there are some', value1000: 0, points: Math.floor(weight / 2), weight };
  const value1000 = ratio1000(input.runsFinished, counted);
  return {
    rule: 'jobs-finished',
    description: `Finished ${input.runsFinished} of ${counted} jobs that did not fail on their own (${input.runsInterrupted} interrupted)`,
    value1000,
    points: pointsFor(weight, value1000),
    weight,
  };
}

function yieldsRule(input: ReputationInput): Rule {
  const weight = REPUTATION_WEIGHTS.yields;
  const ended = Math.max(0, input.runsEnded);
  if (ended === 0) return { rule: 'yields', description: 'No jobs run yet: half points until there are some', value1000: 0, points: Math.floor(weight / 2), weight };
  const yielded = Math.min(ended, Math.max(0, input.runsYielded));
  const value1000 = ratio1000(ended - yielded, ended);
  return { rule: 'yields', description: `Ran ${ended - yielded} of ${ended} jobs without pausing them for the owner`, value1000, points: pointsFor(weight, value1000), weight };
}

function benchmarkAgeRule(input: ReputationInput): Rule {
  const weight = REPUTATION_WEIGHTS['benchmark-age'];
  if (!input.lastTimedBenchmarkAt) return { rule: 'benchmark-age', description: 'No timed benchmark passed yet', value1000: 0, points: 0, weight };
  const ageMs = Math.max(0, input.now.getTime() - input.lastTimedBenchmarkAt.getTime());
  // value1000 is the age in thousandths of an hour (shown as hours).
  const value1000 = Math.floor(ageMs / 3600);
  const freshness1000 = ageMs <= BENCHMARK_FRESH_MS ? 1000 : Math.max(0, Math.floor(((BENCHMARK_STALE_MS - ageMs) * 1000) / (BENCHMARK_STALE_MS - BENCHMARK_FRESH_MS)));
  const hours = Math.floor(ageMs / 3600_000);
  return {
    rule: 'benchmark-age',
    description: `Last timed benchmark passed ${hours} h ago (full points up to 24 h, none after 7 days)`,
    value1000,
    points: pointsFor(weight, freshness1000),
    weight,
  };
}
