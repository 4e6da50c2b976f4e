import { UsageError, type CliCommand } from './cli-kit.js';
import { appVersion } from './paths.js';

interface CommandEntry {
  name: string;
  summary: string;
  /** Loaded only when run: each verb pulls in its own services (Dawn, dockerode, …), and `--help` needs none. */
  load(): Promise<CliCommand>;
}

const COMMANDS: CommandEntry[] = [
  { name: 'setup', summary: 'first-run setup: check the cards, benchmark, set the payout wallet, choose when to earn (asks, or takes flags)', load: async () => (await import('./commands/setup.js')).setupCommand },
  { name: 'headless', summary: 'run Offhours as a background service with a web dashboard', load: async () => (await import('./commands/headless.js')).headlessCommand },
  { name: 'status', summary: 'say what the running Offhours is doing right now, and why', load: async () => (await import('./commands/status.js')).statusCommand },
  { name: 'pause', summary: 'stop earning for a while (the running job is frozen at once)', load: async () => (await import('./commands/status.js')).pauseCommand },
  { name: 'resume', summary: 'end a pause: earn again whenever your schedule allows', load: async () => (await import('./commands/status.js')).resumeCommand },
  { name: 'gpus', summary: 'list the graphics cards Offhours can use', load: async () => (await import('./commands/gpus.js')).gpusCommand },
  { name: 'doctor', summary: 'check this PC: graphics card, driver, WebGPU, containers, benchmark, data folder', load: async () => (await import('./commands/doctor.js')).doctorCommand },
  { name: 'bench', summary: 'benchmark this PC’s graphics card and print the signed report', load: async () => (await import('./commands/bench.js')).benchCommand },
  { name: 'verify', summary: 'check a signed benchmark report (exit 0 when valid)', load: async () => (await import('./commands/verify.js')).verifyCommand },
  { name: 'network', summary: 'say whether this PC is connected to the network, and what the network thinks of it', load: async () => (await import('./commands/network.js')).networkCommand },
  { name: 'wallet', summary: 'show, set or create the Solana wallet your earnings are paid to (works whether or not Offhours runs)', load: async () => (await import('./commands/wallet.js')).walletCommand },
  { name: 'earnings', summary: 'show what this PC earned and was paid, each receipt and payout checked by Offhours itself', load: async () => (await import('./commands/earnings.js')).earningsCommand },
  { name: 'logs', summary: 'print where the log file is, or its last lines with --tail N (for a bug report)', load: async () => (await import('./commands/about.js')).logsCommand },
  { name: 'version', summary: 'print the version of Offhours and where its updates come from', load: async () => (await import('./commands/about.js')).versionCommand },
  { name: 'job', summary: 'run a job spec on this machine to test your setup', load: async () => (await import('./commands/job.js')).jobCommand },
  { name: 'coordinator', summary: 'run a coordinator (the network side), or ask a running one for its status', load: async () => (await import('./commands/coordinator.js')).coordinatorCommand },
  { name: 'localnet', summary: 'run a local Solana (a test chain for payouts) on this machine', load: async () => (await import('./commands/localnet.js')).localnetCommand },
  { name: 'submit', summary: 'submit a job spec to a coordinator’s queue', load: async () => (await import('./commands/submit.js')).submitCommand },
];

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Offhours ${appVersion()} — rent out your GPU while you are away.\n\nUsage: offhours <command> [options]\n\nCommands:\n${rows}\n\nRun "offhours <command> --help" for the options of one command.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(helpText());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${appVersion()}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`Unknown command "${name}".\n\n${helpText()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${entry.summary}\n\nUsage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\nUsage: ${command.usage}\n`);
      return 2;
    }
    throw error;
  }
}
