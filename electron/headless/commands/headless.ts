import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { createHeadlessCore } from '../compose.js';
import { startDaemon } from '../daemon.js';
import { dataDirOption, parseCli, resolveDataDir, UsageError, type CliCommand } from '../cli-kit.js';
import { rendererDistDir } from '../paths.js';
import { CoordinatorChoiceSchema } from '../../../protocol/settings.js';
import { targetFor, type NetworkTarget } from '../../core/network/slice.js';

export const DEFAULT_PORT = 47831;

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** `--network off|embedded|URL`: which network this session joins, whatever the settings say. */
export function parseNetworkFlag(value: string | undefined): NetworkTarget | undefined {
  if (value === undefined) return undefined;
  const parsed = CoordinatorChoiceSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--network takes off, embedded or a coordinator URL (https://…, or http://localhost…), not "${value}"`);
  return targetFor(parsed.data);
}

export const headlessCommand: CliCommand = {
  name: 'headless',
  usage: 'offhours headless [--data-dir DIR] [--port N] [--host ADDR] [--allow-remote] [--network off|embedded|URL]',
  async run(argv) {
    const { values } = parseCli(argv, {
      ...dataDirOption,
      port: { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      'allow-remote': { type: 'boolean', default: false },
      network: { type: 'string' },
    });
    const network = parseNetworkFlag(values.network);
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}"`);
    const host = values.host;
    const allowRemote = values['allow-remote'];
    if (!isLoopbackHost(host) && !allowRemote) {
      process.stderr.write(
        `Refusing to listen on ${host}: that would let other machines on your network reach this Offhours service.\n` +
          'If that is what you want (a rig you manage from another PC), add --allow-remote; anyone with the token can then control this machine.\n',
      );
      return 2;
    }
    if (allowRemote && !isLoopbackHost(host)) {
      process.stderr.write(`WARNING: listening on ${host} with --allow-remote. Keep the token secret and prefer an SSH tunnel.\n`);
    }

    const dataDir = resolveDataDir(values['data-dir']);
    const token = randomBytes(24).toString('base64url');
    const core = createHeadlessCore({ dataDir, network, secrets: [token] });
    let daemon;
    try {
      daemon = await startDaemon({ core, host, port, token, rendererDir: rendererDistDir(), allowRemote });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        process.stderr.write(`Port ${port} is already in use (is Offhours already running?). Stop the other program or pass --port with another number.\n`);
        return 1;
      }
      throw error;
    }
    const infoFile = join(dataDir, 'daemon.json');
    writeFileSync(infoFile, JSON.stringify({ url: daemon.url, port: daemon.port, host, token, pid: process.pid }, null, 2), { mode: 0o600 });
    process.stdout.write(`Offhours is running headless.\n  Open: ${daemon.url}\n  Data: ${dataDir}\n  Press Ctrl+C to stop.\n`);

    void core.start();
    await new Promise<void>((resolve) => {
      const shutdown = () => resolve();
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
    process.stdout.write('Stopping Offhours…\n');
    await daemon.close();
    await core.stop();
    rmSync(infoFile, { force: true });
    return 0;
  },
};
