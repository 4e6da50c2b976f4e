import { UsageError, type CliCommand } from './cli-kit.js';
import { benchCommand } from './commands/bench.js';
import { doctorCommand } from './commands/doctor.js';
import { gpusCommand } from './commands/gpus.js';
import { headlessCommand } from './commands/headless.js';
import { jobCommand } from './commands/job.js';
import { pauseCommand, resumeCommand, statusCommand } from './commands/status.js';
import { verifyCommand } from './commands/verify.js';
import { appVersion } from './paths.js';

const COMMANDS: CliCommand[] = [headlessCommand, gpusCommand, doctorCommand, jobCommand, benchCommand, verifyCommand, statusCommand, pauseCommand, resumeCommand];

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
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
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
