/**
 * `offhours localnet [...]` runs a local Solana (LiteSVM behind the Solana JSON-RPC) in this process until
 * SIGTERM/SIGINT, or until stdin closes with --exit-with-stdin. The node itself lives in the coordinator
 * (loaded only when run, a dynamic import): the CLI is its launcher, the app's code never imports it.
 */
import { resolveDataDir, stopRequestedBySignal, type CliCommand } from '../cli-kit.js';

const USAGE = 'offhours localnet [--port P] [--host H] [--data-dir D] [--exit-with-stdin]';
export const localnetCommand: CliCommand = {
  name: 'localnet',
  usage: USAGE,
  async run(argv) {
    const { stopped, argv: args } = stopRequestedBySignal(argv);
    const { runLocalnetProcess } = await import('../../../coordinator/chain/localnet/process.js');
    return runLocalnetProcess(args, process.env, resolveDataDir(undefined), {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      stopRequested: () => stopped,
    });
  },
};
