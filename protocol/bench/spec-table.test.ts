import { describe, expect, it } from 'vitest';
import { GPU_SPECS, matchSpec, matchSpecVariants, normalizeGpuName, plausibilityPeaks, specById, tableMaxima } from './spec-table.js';

const id = (name: string, memoryBytes?: number) => matchSpec({ name, memoryBytes })?.id ?? null;
const GiB = 1024 ** 3;
const variants = (name: string, memoryBytes?: number) => matchSpecVariants({ name, memoryBytes });

describe('spec table', () => {
  it('covers RTX 20/30/40/50, RX 6000/7000, Apple M1–M4 and H100, every row sourced and sane', () => {
    const ids = GPU_SPECS.map((s) => s.id);
    for (const prefix of ['rtx-20', 'rtx-30', 'rtx-40', 'rtx-50', 'rx-6', 'rx-7', 'apple-m1', 'apple-m2', 'apple-m3', 'apple-m4', 'h100'])
      expect(ids.some((i) => i.startsWith(prefix))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const spec of GPU_SPECS) {
      expect(spec.source.length).toBeGreaterThan(20);
      expect(spec.fp32Tflops).toBeGreaterThan(1);
      expect(spec.memoryGBs).toBeGreaterThan(50);
      if (spec.fp16TensorTflops !== null) expect(spec.fp16TensorTflops).toBeGreaterThanOrEqual(spec.fp32Tflops);
    }
  });

  it('every row is matched by its own display name', () => {
    for (const spec of GPU_SPECS) expect(id(spec.name, spec.id === 'rtx-3080' ? 10 * 1024 ** 3 : undefined)).toBe(spec.id);
  });

  it.each([
    ['NVIDIA GeForce RTX 3080 Ti', 'rtx-3080-ti'],
    ['NVIDIA GeForce RTX 3080', 'rtx-3080'],
    ['NVIDIA GeForce RTX 4070 Ti SUPER', 'rtx-4070-ti-super'],
    ['NVIDIA GeForce RTX 4070 Ti', 'rtx-4070-ti'],
    ['NVIDIA GeForce RTX 4070 SUPER', 'rtx-4070-super'],
    ['NVIDIA GeForce RTX 4070', 'rtx-4070'],
    ['GeForce RTX4090', 'rtx-4090'],
    ['NVIDIA GeForce RTX 3060 Laptop GPU', 'rtx-3060-8gb'], // no memory size: the lower of the 8 and 12 GB rows
    ['NVIDIA GeForce RTX 2080 SUPER', 'rtx-2080-super'],
    ['NVIDIA TITAN RTX', 'titan-rtx'],
    ['NVIDIA GeForce RTX 5090', 'rtx-5090'],
    ['NVIDIA H100 80GB HBM3', 'h100-sxm'],
    ['NVIDIA H100 PCIe', 'h100-pcie'],
    ['NVIDIA H100 NVL', 'h100-nvl'],
    ['AMD Radeon RX 7900 XTX (RADV NAVI31)', 'rx-7900-xtx'],
    ['AMD Radeon RX 7900 XT', 'rx-7900-xt'],
    ['AMD Radeon RX 7900 GRE', 'rx-7900-gre'],
    ['AMD Radeon RX 7600', 'rx-7600'],
    ['Radeon RX 6800 XT', 'rx-6800-xt'],
    ['AMD Radeon(TM) RX 6600', 'rx-6600'],
    ['Apple M1', 'apple-m1'],
    ['Apple M1 Pro', 'apple-m1-pro'],
    ['Apple M2 Ultra', 'apple-m2-ultra'],
    ['Apple M4 Max', 'apple-m4-max'],
  ])('matches "%s" to %s', (name, expected) => {
    expect(id(name)).toBe(expected);
  });

  it('tells the 10 GB and 12 GB RTX 3080 apart by memory', () => {
    expect(id('NVIDIA GeForce RTX 3080', 12 * 1024 ** 3)).toBe('rtx-3080-12gb');
    expect(id('NVIDIA GeForce RTX 3080', 10 * 1024 ** 3)).toBe('rtx-3080');
  });

  it.each(['SwiftShader Device (Subzero)', 'llvmpipe (LLVM 15.0.6, 256 bits)', 'Intel(R) UHD Graphics 630', 'NVIDIA GeForce GTX 1080', 'Apple M10', ''])(
    'does not match "%s"',
    (name) => {
      expect(id(name)).toBeNull();
    },
  );

  it('normalizes names and exposes lookups', () => {
    expect(normalizeGpuName('NVIDIA GeForce RTX 3080Ti')).toBe('rtx 3080 ti');
    expect(specById('rtx-3060')?.memoryGBs).toBe(360);
    expect(specById('nope')).toBeNull();
    expect(tableMaxima().fp32Tflops).toBe(104.8);
  });

  it.each([
    // nvidia-smi memory.total (MiB) and CUDA totalGlobalMem (a little under the nominal size) both round to it.
    ['NVIDIA GeForce RTX 3060', 12288 * 1024 ** 2, 'rtx-3060'],
    ['NVIDIA GeForce RTX 3060', 12_639_010_816, 'rtx-3060'],
    ['NVIDIA GeForce RTX 3060', 8192 * 1024 ** 2, 'rtx-3060-8gb'],
    ['NVIDIA GeForce RTX 3050', 6 * GiB, 'rtx-3050-6gb'],
    ['NVIDIA GeForce RTX 3050', 8 * GiB, 'rtx-3050'],
    ['NVIDIA GeForce RTX 4060 Ti', 16 * GiB, 'rtx-4060-ti-16gb'],
    ['NVIDIA GeForce RTX 4060 Ti', 8 * GiB, 'rtx-4060-ti'],
    ['NVIDIA GeForce RTX 3080', 10_485_760 * 1024, 'rtx-3080'],
  ])('tells memory variants of "%s" apart by memory size (%i bytes → %s)', (name, memoryBytes, expected) => {
    const match = variants(name, memoryBytes)!;
    expect(match.spec.id).toBe(expected);
    expect(match.candidates.map((c) => c.id)).toEqual([expected]);
    expect(match.note).toMatch(/memory/);
  });

  it('tells variants apart by a name that says which', () => {
    expect(variants('NVIDIA GeForce RTX 3060 Ti GDDR6X')!.spec.id).toBe('rtx-3060-ti-gddr6x');
    expect(variants('NVIDIA GeForce GTX 1650 GDDR6')!.spec.id).toBe('gtx-1650-gddr6');
    expect(variants('NVIDIA GeForce RTX 3080 12GB')!.spec.id).toBe('rtx-3080-12gb');
  });

  it('where the variant cannot be told apart, picks the lower one and says so; plausibility uses the higher one', () => {
    // The two RTX 3060 Ti have 8 GB on a 256-bit bus; only the memory type (GDDR6 448 GB/s, GDDR6X 608 GB/s) differs.
    const tie = variants('NVIDIA GeForce RTX 3060 Ti', 8 * GiB)!;
    expect(tie.spec.id).toBe('rtx-3060-ti');
    expect(tie.spec.memoryGBs).toBe(448);
    expect(tie.candidates.map((c) => c.id).sort()).toEqual(['rtx-3060-ti', 'rtx-3060-ti-gddr6x']);
    expect(tie.note).toMatch(/cannot be told apart.*lower/);
    expect(plausibilityPeaks(tie).memoryGBs).toBe(608);
    // WebGPU gives no memory size: the 8 GB (240 GB/s) and 12 GB (360 GB/s) RTX 3060 are a tie.
    const webgpu = variants('NVIDIA GeForce RTX 3060')!;
    expect(webgpu.spec.id).toBe('rtx-3060-8gb');
    expect(plausibilityPeaks(webgpu)).toEqual({ fp32Tflops: 12.74, fp16TensorTflops: 25.5, memoryGBs: 360 });
    // GTX 1650: GDDR5 has the higher clock, GDDR6 the faster memory; the bound takes the higher of each.
    const gtx = variants('NVIDIA GeForce GTX 1650', 4 * GiB)!;
    expect(gtx.spec.id).toBe('gtx-1650');
    expect(plausibilityPeaks(gtx)).toEqual({ fp32Tflops: 2.98, fp16TensorTflops: null, memoryGBs: 192 });
    // A memory size no variant has (the 6 GB RTX 3060 Laptop GPU) is a tie too.
    expect(variants('NVIDIA GeForce RTX 3060 Laptop GPU', 6 * GiB)!.candidates).toHaveLength(2);
    expect(matchSpec({ name: 'NVIDIA GeForce RTX 3060 Ti' })?.id).toBe('rtx-3060-ti');
  });

  it('a model sold in one configuration is one candidate with no note', () => {
    expect(variants('NVIDIA GeForce RTX 4090', 24 * GiB)).toMatchObject({ spec: { id: 'rtx-4090' }, note: null });
    expect(variants('NVIDIA GeForce GTX 1650 Ti')).toBeNull();
  });
});

