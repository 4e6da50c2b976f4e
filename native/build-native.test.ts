import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const script = join(root, 'scripts', 'build-native.mjs');
const built = existsSync(join(root, 'dist', 'electron', 'headless', 'cli.js'));

/** A PATH that holds node and nothing else (no make, no nvcc, no compilers): a fresh Windows or macOS PC. */
function bareBin(): string {
  const bin = mkdtempSync(join(tmpdir(), 'offhours-bare-path-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  return bin;
}

function standIn(bin: string, name: string, body: string): void {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('npm start without make or nvcc', () => {
  it('the native build step skips the CUDA benchmark in one line and succeeds', () => {
    const bin = bareBin();
    made.push(bin);
    const result = spawnSync(process.execPath, [script], { env: { PATH: bin }, encoding: 'utf8' });
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Skipped the CUDA benchmark \(make .*not found\); Offhours benchmarks with WebGPU instead\./);
    expect(result.stderr).toBe('');
  });

  it('a CUDA build that is tried and breaks fails loudly', () => {
    const bin = bareBin();
    made.push(bin);
    standIn(bin, 'make', 'echo "kernels.cu(1): error: stand-in compiler failure" >&2; exit 2');
    standIn(bin, 'nvcc', 'exit 0');
    const result = spawnSync(process.execPath, [script], { env: { PATH: `${bin}:/bin` }, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('stand-in compiler failure');
    expect(result.stderr).toContain('The CUDA benchmark failed to build (make -C native: exit code 2)');
    expect(result.stderr).toContain('OFFHOURS_SKIP_CUDA=1 npm start');
  });

  // Needs `npm run build` (as npm test and CI run it before vitest); without a build it is skipped out loud.
  if (!built && process.env.CI !== 'true') console.warn('SKIPPED: the daemon start test needs "npm run build" first');
  it.skipIf(!built && process.env.CI !== 'true')('the daemon still starts and prints its link', async () => {
    const bin = bareBin();
    const dataDir = mkdtempSync(join(tmpdir(), 'offhours-bare-data-'));
    made.push(bin, dataDir);
    const child = spawn(process.execPath, [join(root, 'bin', 'offhours.js'), 'headless', '--port', '0', '--data-dir', dataDir], {
      env: { PATH: bin, HOME: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(output);
          if (match) resolve(match[0]);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        void exited.then((code) => reject(new Error(`the daemon exited with ${code} before it was ready:\n${output}`)));
      });
      const response = await fetch(url);
      expect(response.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
