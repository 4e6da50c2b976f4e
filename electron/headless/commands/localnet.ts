/**
 * `offhours localnet [...]` runs a local Solana (LiteSVM behind the Solana JSON-RPC) in this process until
 * SIGTERM/SIGINT, or until stdin closes with --exit-with-stdin. The node itself lives in the coordinator
 * (loaded only when run, a dynamic import): the CLI is its launcher, the app's code never imports it.
 */
import { resolveDataDir, type CliCommand } from '../cli-kit.js';

const USAGE = 'offhours localnet [--port P] [--host H] [--data-dir D] [--exit-with-stdin]';
const EXIT_WITH_STDIN = '--exit-with-stdin';

/** Resolves on SIGINT/SIGTERM and, with --exit-with-stdin, when standard input closes (the parent went away). */
function untilSignal(exitWithStdin: boolean): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    if (exitWithStdin) {
      process.stdin.once('end', () => resolve());
      process.stdin.once('close', () => resolve());
      process.stdin.resume();
    }
  });
}

export const localnetCommand: CliCommand = {
  name: 'localnet',
  usage: USAGE,
  async run(argv) {
    // Listened for from the first moment: a parent that quits while the node is still starting is heard too.
    const stopped = untilSignal(argv.includes(EXIT_WITH_STDIN));
    const { runLocalnetProcess } = await import('../../../coordinator/chain/localnet/process.js');
    return runLocalnetProcess(argv.filter((arg) => arg !== EXIT_WITH_STDIN), process.env, resolveDataDir(undefined), {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      stopRequested: () => stopped,
    });
  },
};
