import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Systeminformation } from 'systeminformation';
import type { GraphicsController, GraphicsControllerSource } from '../gpu/ports.js';

/** systeminformation's controller record in our own type. Exported for the fixture tests. */
export function toGraphicsController(c: Partial<Systeminformation.GraphicsControllerData>): GraphicsController {
  return {
    vendor: c.vendor ?? '',
    vendorId: c.vendorId ? c.vendorId.toLowerCase().replace(/^0x/, '') : null,
    model: c.model || c.name || '',
    // On Windows busAddress is empty; systeminformation fills pciBus from its own nvidia-smi call.
    busAddress: c.busAddress || c.pciBus || null,
    vramMiB: typeof c.vram === 'number' ? c.vram : null,
    vramDynamic: Boolean(c.vramDynamic),
    driverVersion: c.driverVersion || null,
  };
}

// Runs in a child process: systeminformation calls nvidia-smi with execFileSync and no timeout, so a hung
// driver would freeze the caller's event loop. In a child it can only cost the child, which we kill.
const CHILD_SCRIPT = `
const si = require(process.argv[process.argv.length - 1]);
si.graphics().then(
  (g) => { process.stdout.write(JSON.stringify(g.controllers)); process.exit(0); },
  (e) => { process.stderr.write(String((e && e.message) || e)); process.exit(1); },
);
`;

/** The OS's display controllers through systeminformation (every vendor); the only file using it for graphics. */
export class SiGraphicsSource implements GraphicsControllerSource {
  constructor(private readonly timeoutMs = 15_000) {}

  list(): Promise<GraphicsController[]> {
    const siPath = createRequire(import.meta.url).resolve('systeminformation');
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['-e', CHILD_SCRIPT, siPath],
        // ELECTRON_RUN_AS_NODE makes the Electron binary behave as plain Node in the desktop app.
        { timeout: this.timeoutMs, killSignal: 'SIGKILL', windowsHide: true, maxBuffer: 8 * 1024 * 1024, encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
        (error, stdout, stderr) => {
          if (error) {
            const killed = (error as { killed?: boolean }).killed;
            return reject(new Error(killed ? `the system did not list its graphics controllers within ${Math.ceil(this.timeoutMs / 1000)} s` : `listing graphics controllers failed: ${stderr.trim() || error.message}`));
          }
          try {
            const controllers = JSON.parse(stdout) as Partial<Systeminformation.GraphicsControllerData>[];
            resolve(Array.isArray(controllers) ? controllers.map(toGraphicsController) : []);
          } catch {
            reject(new Error('the list of graphics controllers could not be read'));
          }
        },
      );
    });
  }
}
