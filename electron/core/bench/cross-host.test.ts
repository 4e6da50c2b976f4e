/**
 * Cross-host determinism: for one seed, the WGSL harness under Dawn (Node) and under headless Chromium's
 * navigator.gpu (SwiftShader here) must produce C with the identical Merkle root, equal to the CPU reference.
 * bench-native adds the CUDA --cpu leg to this file.
 */
import { chromium, type Browser } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceGemm } from '../../../protocol/bench/inputs.js';
import { buildMerkleTree, merkleRoot } from '../../../protocol/bench/merkle.js';
import { CudaBenchProcessRunner } from '../adapters/cuda-bench-runner.js';
import { DawnWebGpuRunner } from '../adapters/dawn-webgpu.js';

const SEED = '9e3779b97f4a7c15';
const N = 128;
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Bundles a page entry that runs the same harness on navigator.gpu and exposes the root on window. */
async function bundleHarnessPage(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'offhours-xhost-'));
  try {
    const entry = join(dir, 'entry.ts');
    const harness = join(REPO, 'protocol/bench/wgsl/harness.ts');
    const merkle = join(REPO, 'protocol/bench/merkle.ts');
    writeFileSync(
      entry,
      `import { runWebGpuBenchmark } from ${JSON.stringify(harness)};
import { buildMerkleTree, merkleRoot } from ${JSON.stringify(merkle)};
const params = new URLSearchParams(location.search);
const n = Number(params.get('n'));
runWebGpuBenchmark(navigator.gpu, { seed: params.get('seed'), n, mode: 'quick', kernels: ['sgemm'], nowMs: () => performance.now() })
  .then((r) => { window.__result = { root: merkleRoot(buildMerkleTree(r.c, n)), adapter: r.adapter, sgemm: r.kernels[0] }; })
  .catch((e) => { window.__result = { error: String(e && e.message || e) }; });
`,
    );
    const bundle = await rolldown({ input: entry, resolve: { extensionAlias: { '.js': ['.ts', '.js'] } }, logLevel: 'silent' });
    const { output } = await bundle.generate({ format: 'esm' });
    await bundle.close();
    return output[0].code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the same seed gives the same Merkle root on every host', () => {
  let server: Server;
  let origin = '';
  let browser: Browser;

  beforeAll(async () => {
    const script = await bundleHarnessPage();
    server = createServer((req, res) => {
      if (req.url?.startsWith('/entry.js')) {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(script);
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>harness</title><script type="module" src="/entry.js"></script>');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    origin = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('Dawn (Node), Chromium (navigator.gpu), the CUDA executable\'s --cpu mode and the CPU reference agree bit for bit', async () => {
    const expected = merkleRoot(buildMerkleTree(referenceGemm(SEED, N), N));

    const dawn = await new DawnWebGpuRunner().run({ seed: SEED, n: N, mode: 'quick', kernels: ['sgemm'] });
    const dawnRoot = merkleRoot(buildMerkleTree(dawn.c, N));

    // The CUDA executable (native/) in its CPU reference mode: the C++ leg of the same input contract.
    const cudaRunner = new CudaBenchProcessRunner();
    let cudaRoot: string | null = null;
    if (cudaRunner.binary()) {
      const scratch = mkdtempSync(join(tmpdir(), 'offhours-xhost-cuda-'));
      try {
        const outC = join(scratch, 'c.f32');
        const cuda = await cudaRunner.run({ seedHex: SEED, n: N, quick: true, kernels: ['sgemm'], cpu: true, outC });
        expect(cuda).toMatchObject({ ok: true, mode: 'cpu' });
        const c = new Float32Array(N * N);
        new Uint8Array(c.buffer).set(readFileSync(outC));
        cudaRoot = merkleRoot(buildMerkleTree(c, N));
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    } else {
      console.warn('\n*** native/build/offhours-cuda-bench is not built (no nvcc): SKIPPING the CUDA --cpu leg ***\n');
    }

    const page = await browser.newPage();
    await page.goto(`${origin}/?seed=${SEED}&n=${N}`);
    await page.waitForFunction(() => (globalThis as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 60_000 });
    const chrome = await page.evaluate(() => (globalThis as unknown as { __result: { root?: string; error?: string; adapter?: { description: string; software: boolean } } }).__result);
    expect(chrome.error).toBeUndefined();

    expect(dawnRoot).toBe(expected);
    if (cudaRoot !== null) expect(cudaRoot).toBe(expected);
    expect(chrome.root).toBe(expected);
    expect(chrome.adapter?.software).toBe(true);
  }, 120_000);
});
