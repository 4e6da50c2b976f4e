import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GpuInventorySchema, type GpuInventory } from '../../../protocol/gpu.js';
import { toGraphicsController } from '../adapters/si-graphics.js';
import { normalizeBusId } from './bus-id.js';
import { GpuDetector } from './detector.js';
import { buildInventory } from './inventory.js';
import { isUnavailable, parseCardLine, parseCudaVersion, parseNvidiaSmi, type NvidiaSmiReport } from './nvidia-smi-parse.js';
import { NVIDIA_QUERY_FIELDS, NVIDIA_QUERY_FIELDS_LEGACY, type GraphicsController, type NvidiaSmiOutcome } from './ports.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const NOW = new Date('2026-01-02T03:04:05.000Z');

interface Scenario {
  description: string;
  nvidiaSmi: { kind: 'missing' } | { kind: 'exited'; exitCode: number; fields: 'current' | 'legacy'; stdout: string; stderr: string | null; header: string | null };
  systeminformation: string;
}

function load(name: string): { outcome: NvidiaSmiOutcome; controllers: GraphicsController[] } {
  const dir = join(FIXTURES, name);
  const scenario = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as Scenario;
  const read = (file: string | null) => (file === null ? null : readFileSync(join(dir, file), 'utf8'));
  const smi = scenario.nvidiaSmi;
  const outcome: NvidiaSmiOutcome =
    smi.kind === 'missing'
      ? { kind: 'missing' }
      : {
          kind: 'exited',
          exitCode: smi.exitCode,
          fields: smi.fields === 'legacy' ? NVIDIA_QUERY_FIELDS_LEGACY : NVIDIA_QUERY_FIELDS,
          stdout: read(smi.stdout) ?? '',
          stderr: read(smi.stderr) ?? '',
          header: read(smi.header),
        };
  const si = JSON.parse(read(scenario.systeminformation)!) as { controllers: object[] };
  return { outcome, controllers: si.controllers.map(toGraphicsController) };
}

function detect(name: string): { report: NvidiaSmiReport; inventory: GpuInventory } {
  const { outcome, controllers } = load(name);
  const report = parseNvidiaSmi(outcome);
  const inventory = buildInventory({ smi: report, controllers, now: NOW });
  // Every inventory must be valid on the wire, and every non-ok one must say why and what to do.
  GpuInventorySchema.parse(inventory);
  if (inventory.status !== 'ok') {
    expect(inventory.reason).toMatch(/\w{3,}/);
    expect(inventory.nextStep).toMatch(/\w{3,}/);
  }
  for (const gpu of inventory.gpus) if (!gpu.supported) expect(gpu.unsupportedReason).toMatch(/\w{3,}/);
  return { report, inventory };
}

describe('fixtures', () => {
  it('every fixture folder is covered by a test below', () => {
    const covered = [
      'single-rtx-windows',
      'multi-gpu-rig-linux',
      'optimus-laptop-linux',
      'wsl2',
      'nvml-mismatch',
      'driver-not-loaded',
      'inforom-warning',
      'garbled',
      'empty-output',
      'legacy-driver-not-supported',
      'no-driver',
      'amd-only',
      'no-gpu',
    ];
    const folders = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.sort()).toEqual(covered.sort());
  });

  it('single RTX on Windows: VRAM from nvidia-smi, not the 4 GB WMI cap; CUDA from the header; merged by pciBus', () => {
    const { inventory } = detect('single-rtx-windows');
    expect(inventory.status).toBe('ok');
    expect(inventory.reason).toBeNull();
    expect(inventory.gpus).toHaveLength(1);
    expect(inventory.gpus[0]).toEqual({
      id: 'GPU-3c9b2a51-7f0e-2d4b-9e61-0a8f4c7d21b5',
      vendor: 'nvidia',
      name: 'NVIDIA GeForce RTX 4070',
      busId: '0000:01:00.0',
      vramTotalMiB: 12282,
      vramFreeMiB: 11048,
      driverVersion: '566.36',
      cudaVersion: '12.7',
      computeCapability: '8.9',
      temperatureC: 41,
      powerDrawW: 18.73,
      powerLimitW: 200,
      utilizationPct: 3,
      pcieGen: 1,
      pcieWidth: 16,
      sources: ['nvidia-smi', 'systeminformation'],
      supported: true,
      unsupportedReason: null,
    });
  });

  it('multi-GPU rig: five cards in index order, each matched to its own lspci entry; the BMC display is dropped', () => {
    const { inventory } = detect('multi-gpu-rig-linux');
    expect(inventory.status).toBe('ok');
    expect(inventory.gpus.map((g) => [g.name, g.busId, g.vramTotalMiB])).toEqual([
      ['NVIDIA GeForce RTX 3090', '0000:01:00.0', 24576],
      ['NVIDIA GeForce RTX 3090', '0000:02:00.0', 24576],
      ['NVIDIA GeForce RTX 3090', '0000:05:00.0', 24576],
      ['NVIDIA GeForce RTX 3090', '0000:06:00.0', 24576],
      ['NVIDIA GeForce RTX 3060', '0000:09:00.0', 12288],
    ]);
    expect(new Set(inventory.gpus.map((g) => g.id)).size).toBe(5);
    expect(inventory.gpus.every((g) => g.sources.length === 2 && g.supported && g.cudaVersion === '12.4')).toBe(true);
    expect(inventory.gpus[0]!.utilizationPct).toBe(100);
    expect(inventory.gpus[3]!.pcieWidth).toBe(4);
    expect(inventory.gpus.some((g) => /aspeed/i.test(g.name))).toBe(false);
  });

  it('Optimus laptop: dGPU supported with [N/A] power as null; iGPU listed for WebGPU only with shared memory as unknown', () => {
    const { inventory } = detect('optimus-laptop-linux');
    expect(inventory.status).toBe('ok');
    const [dgpu, igpu] = inventory.gpus;
    expect(dgpu).toMatchObject({ vendor: 'nvidia', name: 'NVIDIA GeForce RTX 3060 Laptop GPU', vramTotalMiB: 6144, powerDrawW: null, powerLimitW: null, temperatureC: 46, supported: true, cudaVersion: '12.2' });
    expect(igpu).toMatchObject({ vendor: 'intel', name: 'CometLake-H GT2 [UHD Graphics]', busId: '0000:00:02.0', vramTotalMiB: null, supported: false, sources: ['systeminformation'] });
    expect(igpu!.unsupportedReason).toMatch(/WebGPU benchmark only/);
  });

  it('WSL2: the card comes from nvidia-smi alone (Windows driver version), the virtual render device is ignored', () => {
    const { inventory } = detect('wsl2');
    expect(inventory.status).toBe('ok');
    expect(inventory.gpus).toHaveLength(1);
    expect(inventory.gpus[0]).toMatchObject({ name: 'NVIDIA GeForce RTX 3070', busId: '0000:2b:00.0', driverVersion: '560.94', cudaVersion: '12.6', vramTotalMiB: 8192, sources: ['nvidia-smi'], supported: true });
  });

  it('driver/library version mismatch: a driver-error telling the owner to restart; the card is still listed, without the BAR size as VRAM', () => {
    const { report, inventory } = detect('nvml-mismatch');
    expect(report).toMatchObject({ kind: 'error', problem: 'driver-mismatch', exitCode: 18 });
    expect(inventory.status).toBe('driver-error');
    expect(inventory.reason).toMatch(/version mismatch/);
    expect(inventory.nextStep).toMatch(/Restart the computer/);
    expect(inventory.gpus).toHaveLength(1);
    expect(inventory.gpus[0]).toMatchObject({ vendor: 'nvidia', name: 'GA104 [GeForce RTX 3070]', vramTotalMiB: null, supported: false });
    expect(inventory.gpus[0]!.unsupportedReason).toMatch(/driver is not working/);
  });

  it('driver not loaded (exit 9): driver-error mentioning Secure Boot', () => {
    const { report, inventory } = detect('driver-not-loaded');
    expect(report).toMatchObject({ kind: 'error', problem: 'driver-not-loaded', exitCode: 9 });
    expect(inventory.status).toBe('driver-error');
    expect(inventory.nextStep).toMatch(/Secure Boot/);
  });

  it('a warning line before the CSV row is skipped and the card still counts', () => {
    const { report, inventory } = detect('inforom-warning');
    expect(report.kind).toBe('ok');
    if (report.kind === 'ok') expect(report.skippedLines).toEqual(['WARNING: infoROM is corrupted at gpu 0000:01:00.0']);
    expect(inventory.status).toBe('ok');
    expect(inventory.gpus[0]).toMatchObject({ name: 'NVIDIA GeForce RTX 2080 Ti', computeCapability: '7.5', supported: true, cudaVersion: '12.3' });
  });

  it('garbled output: a driver-error quoting what came back, never an exception', () => {
    const { report, inventory } = detect('garbled');
    expect(report).toMatchObject({ kind: 'error', problem: 'garbled' });
    expect(inventory.status).toBe('driver-error');
    expect(inventory.reason).toMatch(/could not read/);
    expect(inventory.gpus[0]).toMatchObject({ vendor: 'nvidia', supported: false });
  });

  it('empty output with exit 0 on Windows: driver-error; WMI VRAM (4095) is never shown for NVIDIA', () => {
    const { report, inventory } = detect('empty-output');
    expect(report).toMatchObject({ kind: 'error', problem: 'empty' });
    expect(inventory.status).toBe('driver-error');
    expect(inventory.gpus[0]).toMatchObject({ name: 'NVIDIA GeForce GTX 1660 SUPER', vramTotalMiB: null, driverVersion: '31.0.15.3623' });
  });

  it('legacy driver without compute_cap and [Not Supported] power: unsupported with a reason per card', () => {
    const { report, inventory } = detect('legacy-driver-not-supported');
    expect(report.kind).toBe('ok');
    expect(inventory.status).toBe('unsupported');
    const [nvidia, intel] = inventory.gpus;
    expect(nvidia).toMatchObject({ name: 'NVIDIA GeForce GTX 1050 Ti', vramTotalMiB: 4040, computeCapability: null, powerDrawW: null, powerLimitW: null, temperatureC: 37, cudaVersion: '11.4', supported: false });
    expect(nvidia!.unsupportedReason).toMatch(/compute capability.*driver/);
    expect(intel).toMatchObject({ vendor: 'intel', supported: false });
    expect(inventory.reason).toMatch(/GTX 1050 Ti/);
    expect(inventory.nextStep).toMatch(/6 GB/);
  });

  it('NVIDIA card without a driver: no-driver, naming the card and how to install one', () => {
    const { report, inventory } = detect('no-driver');
    expect(report.kind).toBe('missing');
    expect(inventory.status).toBe('no-driver');
    expect(inventory.reason).toContain('TU106 [GeForce RTX 2060 Rev. A]');
    expect(inventory.nextStep).toMatch(/nvidia\.com\/drivers/);
    expect(inventory.gpus[0]).toMatchObject({ vendor: 'nvidia', driverVersion: null, supported: false });
  });

  it('AMD only: unsupported for paid jobs, VRAM from the OS, WebGPU benchmark still possible', () => {
    const { inventory } = detect('amd-only');
    expect(inventory.status).toBe('unsupported');
    expect(inventory.gpus.map((g) => [g.vendor, g.name, g.vramTotalMiB])).toEqual([
      ['amd', 'Navi 31 [Radeon RX 7900 XTX]', 24576],
      ['amd', 'Raphael', null],
    ]);
    expect(inventory.gpus[0]!.unsupportedReason).toMatch(/CUDA.*WebGPU benchmark/);
    expect(inventory.reason).toMatch(/only NVIDIA/);
  });

  it('no GPU and no driver (this machine): an empty list with a reason', () => {
    const { inventory } = detect('no-gpu');
    expect(inventory).toEqual({
      status: 'no-gpu',
      gpus: [],
      reason: expect.stringMatching(/no graphics card/),
      nextStep: expect.stringMatching(/driver/),
      detectedAt: NOW.toISOString(),
    });
  });
});

describe('nvidia-smi parser', () => {
  it('treats bracketed and N/A cells as missing values', () => {
    for (const value of ['[N/A]', '[Not Supported]', '[Unknown Error]', 'N/A', '', '[Insufficient Permissions]']) expect(isUnavailable(value)).toBe(true);
    expect(isUnavailable('41')).toBe(false);
  });

  it('rejects rows with the wrong column count, a bad index or a bus id that is not one', () => {
    expect(parseCardLine('0, RTX, GPU-1', NVIDIA_QUERY_FIELDS)).toBeNull();
    const good = '0, NVIDIA GeForce RTX 3080, GPU-aa, 00000000:01:00.0, 10240, 9000, 560.94, 8.6, 40, 20.5, 320.00, 1, 4, 16';
    expect(parseCardLine(good, NVIDIA_QUERY_FIELDS)).toMatchObject({ index: 0, memoryTotalMiB: 10240 });
    expect(parseCardLine(good.replace('0, N', 'x, N'), NVIDIA_QUERY_FIELDS)).toBeNull();
    expect(parseCardLine(good.replace('00000000:01:00.0', 'banana'), NVIDIA_QUERY_FIELDS)).toBeNull();
    expect(parseCardLine(good.replace('10240', '-5'), NVIDIA_QUERY_FIELDS)!.memoryTotalMiB).toBeNull();
  });

  it('reads the CUDA version from every header layout, or null', () => {
    expect(parseCudaVersion('| NVIDIA-SMI 470.256.02   Driver Version: 470.256.02   CUDA Version: 11.4     |')).toBe('11.4');
    expect(parseCudaVersion('CUDA Version : 12.4')).toBe('12.4');
    expect(parseCudaVersion('| NVIDIA-SMI 550.54.14   Driver Version: 550.54.14   CUDA Version: N/A |')).toBeNull();
    expect(parseCudaVersion(null)).toBeNull();
  });

  it('classifies failures by message and exit code', () => {
    const exited = (exitCode: number, stdout: string, stderr = '') => parseNvidiaSmi({ kind: 'exited', exitCode, fields: NVIDIA_QUERY_FIELDS, stdout, stderr, header: null });
    expect(exited(6, 'No devices were found\n')).toMatchObject({ kind: 'error', problem: 'no-devices' });
    expect(exited(12, '', 'NVIDIA-SMI couldn\'t find libnvidia-ml.so library in your system.')).toMatchObject({ problem: 'nvml-missing' });
    expect(exited(4, 'Insufficient Permissions')).toMatchObject({ problem: 'permission' });
    expect(exited(255, 'Unknown Error')).toMatchObject({ problem: 'failed', detail: 'Unknown Error' });
    expect(parseNvidiaSmi({ kind: 'timeout', seconds: 10 })).toMatchObject({ kind: 'error', problem: 'timeout' });
  });

  it('"No devices were found" with no NVIDIA card seen by the OS is just "no GPU"', () => {
    const smi = parseNvidiaSmi({ kind: 'exited', exitCode: 6, fields: NVIDIA_QUERY_FIELDS, stdout: 'No devices were found\n', stderr: '', header: null });
    expect(buildInventory({ smi, controllers: [], now: NOW }).status).toBe('no-gpu');
  });
});

describe('bus ids', () => {
  it('normalises nvidia-smi, sysfs and lspci spellings to one form', () => {
    expect(normalizeBusId('00000000:01:00.0')).toBe('0000:01:00.0');
    expect(normalizeBusId('0000:01:00.0')).toBe('0000:01:00.0');
    expect(normalizeBusId('01:00.0')).toBe('0000:01:00.0');
    expect(normalizeBusId('00000000:2B:00.0')).toBe('0000:2b:00.0');
    expect(normalizeBusId('00000001:C1:00.0')).toBe('0001:c1:00.0');
    expect(normalizeBusId('PCI bus 1, device 0, function 0')).toBeNull();
    expect(normalizeBusId('')).toBeNull();
    expect(normalizeBusId(null)).toBeNull();
  });
});

describe('GpuDetector', () => {
  it('never throws: a failing controller list and a crashing nvidia-smi source still give an inventory', async () => {
    const detector = new GpuDetector(
      { query: () => Promise.reject(new Error('spawn EACCES')) },
      { list: () => Promise.reject(new Error('powershell timed out')) },
      { now: () => NOW.getTime() },
    );
    const detection = await detector.detectDetailed();
    expect(detection.controllersError).toBe('powershell timed out');
    expect(detection.inventory.status).toBe('driver-error');
    expect(detection.inventory.reason).toMatch(/EACCES/);
    expect(detection.inventory.detectedAt).toBe(NOW.toISOString());
  });

  it('merges a fixture through the ports end to end', async () => {
    const { outcome, controllers } = load('optimus-laptop-linux');
    const detector = new GpuDetector({ query: async () => outcome }, { list: async () => controllers }, { now: () => NOW.getTime() });
    const inventory = await detector.detect();
    expect(inventory.gpus.map((g) => g.vendor)).toEqual(['nvidia', 'intel']);
  });
});
