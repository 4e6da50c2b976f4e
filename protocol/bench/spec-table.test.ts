import { describe, expect, it } from 'vitest';
import { GPU_SPECS, matchSpec, normalizeGpuName, specById, tableMaxima } from './spec-table.js';

const id = (name: string, memoryBytes?: number) => matchSpec({ name, memoryBytes })?.id ?? null;

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
    ['NVIDIA GeForce RTX 3060 Laptop GPU', 'rtx-3060'],
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
});
