import { describeBenchmark, describePayoutChain, formatRate, formatThroughput, networkLabel, networkNextStep } from '../../../protocol/network-format.js';
import type { NetworkSlice } from '../../../protocol/state.js';
import { dataDirOption, jsonOption, parseCli, printJson, resolveDataDir, type CliCommand } from '../cli-kit.js';
import { connectDaemon, readDaemonInfo } from '../daemon-client.js';
import { reportDaemonFailure } from './status.js';

/** `offhours network`'s human text: connected or not and why, which network, and what the network thinks of this PC. */
export function formatNetwork(slice: NetworkSlice): string {
  const lines = [slice.message];
  const next = networkNextStep(slice);
  if (next) lines.push(`  Next: ${next}`);
  if (slice.mode === 'off') return `${lines.join('\n')}\n`;
  lines.push(`  Network:     ${networkLabel(slice)}${slice.url ? ` (${slice.url})` : ''}`);
  if (slice.network) lines.push(`  Payouts:     ${describePayoutChain(slice.network)}`);
  lines.push(`  Provider:    ${slice.providerId ?? 'not enrolled yet'}${slice.enrolled ? ' (enrolled)' : ''}`);
  const standing = slice.standing;
  lines.push(`  Benchmark:   ${describeBenchmark(standing)}`);
  lines.push(`  Measured:    ${formatThroughput(standing?.benchmark.throughputMilliGflops ?? null)}`);
  lines.push(`  Rate:        ${formatRate(standing?.ratePerHour ?? null, slice.network)}`);
  if (standing) {
    lines.push(`  Reputation:  ${standing.reputation.score} / 1000`);
    for (const rule of standing.reputation.rules) lines.push(`    ${`+${rule.points} of ${rule.weight}`.padEnd(12)} ${rule.description}`);
  }
  if (slice.lastConnectedAt && slice.connection !== 'connected') lines.push(`  Last connected: ${slice.lastConnectedAt}`);
  return `${lines.join('\n')}\n`;
}

export const networkCommand: CliCommand = {
  name: 'network',
  usage: 'offhours network [--data-dir DIR] [--json]',
  async run(argv) {
    const { values } = parseCli(argv, { ...dataDirOption, ...jsonOption });
    try {
      const { network: slice } = await connectDaemon(readDaemonInfo(resolveDataDir(values['data-dir']))).api.getState();
      if (values.json) printJson(slice);
      else process.stdout.write(formatNetwork(slice));
      return 0;
    } catch (error) {
      return reportDaemonFailure(error);
    }
  },
};
