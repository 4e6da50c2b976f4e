import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const built = join(import.meta.dirname, '..', '..', 'dist', 'electron', 'headless', 'cli-kit.js');
const dir = mkdtempSync(join(tmpdir(), 'offhours-lifeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A service forked by a parent that then dies (SIGKILL: no goodbye) must stop by itself: the embedded network
// forked by a crashed daemon would otherwise keep its port and database. Runs the built module, as the daemon does.
if (!existsSync(built) && process.env.CI !== 'true') console.warn('SKIPPED: the lifeline test needs "npm run build" first');
describe.skipIf(!existsSync(built) && process.env.CI !== 'true')('stopRequestedBySignal with --exit-with-parent', () => {
  it('stops a forked service when its parent dies, and only then', async () => {
    const marker = join(dir, 'stopped');
    const service = join(dir, 'service.mjs');
    writeFileSync(
      service,
      `import { writeFileSync } from 'node:fs';
import { stopRequestedBySignal } from ${JSON.stringify(pathToFileURL(built).href)};
const { stopped } = stopRequestedBySignal(['--exit-with-parent']);
setInterval(() => {}, 1000);
stopped.then(() => { writeFileSync(${JSON.stringify(marker)}, 'stopped'); process.exit(0); });
process.send('up');
`,
    );
    const parentScript = join(dir, 'parent.mjs');
    writeFileSync(
      parentScript,
      `import { fork } from 'node:child_process';
const child = fork(${JSON.stringify(service)}, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], detached: true });
child.on('message', () => process.stdout.write(child.pid + '\\n'));
setInterval(() => {}, 1000);
`,
    );
    const parent = spawn(process.execPath, [parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    const servicePid = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    await sleep(500);
    expect(existsSync(marker)).toBe(false);

    parent.kill('SIGKILL');
    for (let i = 0; i < 100 && !existsSync(marker); i++) await sleep(100);
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : 'still running').toBe('stopped');
    for (let i = 0; i < 50 && alive(servicePid); i++) await sleep(100);
    expect(alive(servicePid)).toBe(false);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
