import type { BenchFlag, BenchRunSummary } from '../../../../protocol/bench/wgsl/api-schemas.js';

/**
 * The notes under a quick run in the wizard: each note once, with the per-test "noisy" notes folded into one line
 * (three near-identical warnings would bury the one that matters, such as software graphics). Pure.
 */
export function quickResultFlags(run: Pick<BenchRunSummary, 'flags' | 'kernels'>): BenchFlag[] {
  const noisy = run.kernels.filter((kernel) => kernel.noisy).map((kernel) => kernel.label);
  const others = run.flags.filter((flag) => flag.code !== 'noisy');
  if (noisy.length === 0) return others;
  const which = noisy.length === 1 ? noisy[0] : `${noisy.slice(0, -1).join(', ')} and ${noisy.at(-1)}`;
  return [...others, { code: 'noisy', message: `Timings varied between tries (${which}). Close games and other busy apps, then run it again for a steadier figure.` }];
}
