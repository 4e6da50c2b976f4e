import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedSupervisor } from './embedded-supervisor.js';
import { emptyLinkState, LinkStateFile } from './link-state-file.js';
import type { EmbeddedNetwork, EmbeddedNetworkLauncher } from './ports.js';
import { ManualTimers, silentLogger } from './test-support/link-world.js';

/** A launcher whose coordinators the test kills; each start may be told to fail. */
class ScriptedLauncher implements EmbeddedNetworkLauncher {
  readonly starts: number[] = [];
  readonly stopped: string[] = [];
  failNext = 0;
  private exits: Array<(detail: string) => void> = [];
  async start({ port }: { dataDir: string; port: number }): Promise<EmbeddedNetwork> {
    this.starts.push(port);
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('port in use');
    }
    const url = `http://127.0.0.1:${port || 4100}`;
    return {
      url,
      stop: async () => void this.stopped.push(url),
      onExit: (listener) => void this.exits.push(listener),
    };
  }
  crash(): void {
    for (const exit of this.exits.splice(0)) exit('killed');
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('EmbeddedSupervisor', () => {
  it('starts, restarts on the same port with back-off after a crash, and stops', async () => {
    const launcher = new ScriptedLauncher();
    const timers = new ManualTimers();
    const ready: string[] = [];
    const down: number[] = [];
    const supervisor = new EmbeddedSupervisor({ launcher, dataDir: '/d', logger: silentLogger, timers, random: () => 0 }, { onReady: (url) => ready.push(url), onDown: (_d, ms) => down.push(ms) });
    supervisor.start();
    await settle();
    expect(ready).toEqual(['http://127.0.0.1:4100']);
    launcher.crash();
    launcher.failNext = 2;
    timers.advance(500);
    await settle();
    timers.advance(1000);
    await settle();
    timers.advance(2000);
    await settle();
    // The restart asks for the old port (the URL stays the same); once that failed it takes any free port.
    expect(launcher.starts).toEqual([0, 4100, 0, 0]);
    expect(down).toEqual([500, 1000, 2000]);
    expect(ready).toHaveLength(2);
    await supervisor.stop();
    expect(launcher.stopped).toEqual(['http://127.0.0.1:4100']);
    launcher.crash();
    timers.advance(60_000);
    expect(launcher.starts).toHaveLength(4);
  });
});

describe('LinkStateFile', () => {
  it('round-trips, and starts fresh from a damaged file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offhours-link-state-'));
    try {
      const file = new LinkStateFile(join(dir, 'sub', 'network-link.json'), silentLogger);
      expect(file.load()).toEqual(emptyLinkState());
      const state = { ...emptyLinkState(), sessionId: 's', lastSeq: 42, activeJobIds: ['j'], pending: [{ id: 1, jobId: 'j', status: 'finished' as const, at: 'x', pull: null, exitCode: 0, workedSeconds: 3, outputDigest: null, message: null, replayed: true, sentSeq: null }] };
      file.save(state);
      expect(file.load()).toEqual(state);
      writeFileSync(join(dir, 'sub', 'network-link.json'), '{"version":1,"pending":"no"}');
      expect(file.load()).toEqual(emptyLinkState());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
