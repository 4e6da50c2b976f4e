import { fileURLToPath } from 'node:url';
import type { Systeminformation } from 'systeminformation';
import type { GraphicsController, GraphicsControllerSource } from '../gpu/ports.js';
import type { NodeChildLauncher } from '../ports.js';
import { exchangeWithChild } from './child-exchange.js';
import { nodeForkLauncher } from './node-child-fork.js';
import { parentChannel, type ParentChannel } from './parent-channel.js';

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

const WORKER_FLAG = 'OFFHOURS_SI_GRAPHICS_WORKER';

type WorkerAnswer = { ok: true; controllers: Partial<Systeminformation.GraphicsControllerData>[] } | { ok: false; message: string };

/**
 * The OS's display controllers through systeminformation (every vendor); the only file using it for graphics. It
 * runs in a child process: systeminformation calls nvidia-smi with execFileSync and no timeout, so a hung driver
 * would freeze the caller's event loop. In a child it can only cost the child, which we kill.
 */
export class SiGraphicsSource implements GraphicsControllerSource {
  constructor(
    private readonly timeoutMs = 15_000,
    private readonly children: NodeChildLauncher = nodeForkLauncher,
  ) {}

  list(): Promise<GraphicsController[]> {
    const child = this.children.fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, [WORKER_FLAG]: '1' }, name: 'Offhours graphics list', output: 'pipe' });
    return exchangeWithChild<GraphicsController[]>(child, 'list', {
      timeoutMs: this.timeoutMs,
      stderrChars: 2000,
      timedOut: () => new Error(`the system did not list its graphics controllers within ${Math.ceil(this.timeoutMs / 1000)} s`),
      heard: (raw) => {
        const answer = raw as WorkerAnswer;
        if (!answer.ok) return { error: new Error(`listing graphics controllers failed: ${answer.message}`) };
        return { answer: Array.isArray(answer.controllers) ? answer.controllers.map(toGraphicsController) : [] };
      },
      ended: ({ code, signal, error }, stderr) => new Error(`listing graphics controllers failed: ${error?.message ?? (stderr.trim() || `it stopped (${signal ?? `exit code ${code}`})`)}`),
    });
  }
}

/** The child side: one request, one list (or why not), then exit. */
function serveAsWorker(channel: ParentChannel): void {
  channel.onceMessage(() => {
    void import('systeminformation')
      .then((si) => si.graphics())
      .then(
        (graphics) => channel.sendLast({ ok: true, controllers: graphics.controllers } satisfies WorkerAnswer),
        (error: unknown) => channel.sendLast({ ok: false, message: String((error as Error)?.message ?? error) } satisfies WorkerAnswer),
      );
  });
}

const channel = process.env[WORKER_FLAG] === '1' ? parentChannel() : null;
if (channel) serveAsWorker(channel);
