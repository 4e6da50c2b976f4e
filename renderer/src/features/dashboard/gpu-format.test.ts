import { describe, expect, it } from 'vitest';
import type { Gpu } from '../../../../protocol/gpu.js';
import { dashboardStatus, formatVram, heatOf, percent, verdictOf } from './gpu-format.js';

const gpu = (patch: Partial<Gpu>): Gpu => ({
  id: 'x', vendor: 'nvidia', name: 'RTX', busId: null, vramTotalMiB: 12282, vramFreeMiB: null, driverVersion: null, cudaVersion: null, computeCapability: null,
  temperatureC: null, powerDrawW: null, powerLimitW: null, utilizationPct: null, pcieGen: null, pcieWidth: null, sources: ['nvidia-smi'], supported: true, unsupportedReason: null, ...patch,
});

describe('GPU formatting', () => {
  it('shows VRAM the way the box says it', () => {
    expect(formatVram(12282)).toBe('12 GB');
    expect(formatVram(24576)).toBe('24 GB');
    expect(formatVram(6144)).toBe('6 GB');
    expect(formatVram(4040)).toBe('4 GB');
    expect(formatVram(7680)).toBe('7.5 GB');
    expect(formatVram(512)).toBe('512 MB');
    expect(formatVram(null)).toBe('Unknown');
  });

  it('grades temperature against the limit', () => {
    expect(heatOf(41)).toBe('cool');
    expect(heatOf(76)).toBe('warm');
    expect(heatOf(83)).toBe('hot');
    expect(heatOf(null)).toBeNull();
  });

  it('clamps percentages and refuses a zero whole', () => {
    expect(percent(18.7, 200)).toBe(9);
    expect(percent(250, 200)).toBe(100);
    expect(percent(1, 0)).toBeNull();
    expect(percent(null, 10)).toBeNull();
  });

  it('labels each card and the whole inventory in plain words', () => {
    expect(verdictOf(gpu({}), { status: 'ok' })).toEqual({ tone: 'ok', label: 'Ready for paid jobs' });
    expect(verdictOf(gpu({ supported: false }), { status: 'driver-error' }).label).toBe('Driver problem');
    expect(verdictOf(gpu({ vendor: 'intel', supported: false }), { status: 'ok' }).label).toBe('Benchmark only');
    expect(dashboardStatus(null, true).text).toBe('Scanning for graphics cards…');
    expect(dashboardStatus({ status: 'no-gpu', gpus: [], reason: 'r', nextStep: 'n', detectedAt: '' }, false)).toEqual({ tone: 'bad', text: 'Needs attention' });
  });
});
