import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedNetworkProcess, readyUrl } from './embedded-network-process.js';

const script = join(dirname(fileURLToPath(import.meta.url)), 'test-support', 'fake-coordinator.mjs');
const dir = mkdtempSync(join(tmpdir(), 'offhours-embedded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const launcher = (mode: string, readyTimeoutMs = 10_000) => new EmbeddedNetworkProcess({ cliPath: script, env: { OFFHOURS_FAKE_MODE: mode }, readyTimeoutMs });

describe('EmbeddedNetworkProcess', () => {
  it('reads only a ready line with an http URL', () => {
    expect(readyUrl('{"ready":true,"url":"http://127.0.0.1:5"}')).toBe('http://127.0.0.1:5');
    expect(readyUrl('{"ready":false,"url":"http://127.0.0.1:5"}')).toBeNull();
    expect(readyUrl('coordinator: migrating')).toBeNull();
    expect(readyUrl('{"ready":true,"url":"file:///etc"}')).toBeNull();
  });

  it('starts the child, hands back its URL, reports a crash and stops it cleanly', async () => {
    const network = await launcher('ok').start({ dataDir: join(dir, 'a'), port: 0 });
    expect(network.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await fetch(network.url).then((r) => r.text())).toBe('ok');
    await network.stop();
    await expect(fetch(network.url)).rejects.toThrow();

    const second = await launcher('ok').start({ dataDir: join(dir, 'b'), port: 0 });
    const exited = new Promise<string>((resolve) => second.onExit(resolve));
    process.kill(pidIn(join(dir, 'b')), 'SIGKILL');
    expect(await exited).toMatch(/SIGKILL/);
  });

  it('adopts a coordinator a crashed daemon left running on the same folder instead of starting a second one', async () => {
    const orphan = await launcher('ok').start({ dataDir: join(dir, 'e'), port: 0 });
    const adopted = await launcher('die-early').start({ dataDir: join(dir, 'e'), port: 0 });
    expect(adopted.url).toBe(orphan.url);
    await adopted.stop();
    await expect(fetch(orphan.url)).rejects.toThrow();
  });

  it('says why when the coordinator dies before it is ready, or never says it is', async () => {
    await expect(launcher('die-early').start({ dataDir: join(dir, 'c'), port: 0 })).rejects.toThrow(/exited before it was ready \(code 3\): database is locked/);
    await expect(launcher('silent', 1500).start({ dataDir: join(dir, 'd'), port: 0 })).rejects.toThrow(/did not say it was ready within 2 s/);
  });
});

function pidIn(dataDir: string): number {
  return (JSON.parse(readFileSync(join(dataDir, 'coordinator.json'), 'utf8')) as { pid: number }).pid;
}
