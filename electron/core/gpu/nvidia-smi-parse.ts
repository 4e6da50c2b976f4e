import { normalizeBusId } from './bus-id.js';
import type { NvidiaSmiOutcome } from './ports.js';

/** One NVIDIA card as nvidia-smi reported it; fields it could not read are null. */
export interface NvidiaCard {
  index: number;
  name: string;
  uuid: string | null;
  /** Normalised PCI address ('0000:01:00.0'). */
  busId: string | null;
  memoryTotalMiB: number | null;
  memoryFreeMiB: number | null;
  driverVersion: string | null;
  computeCapability: string | null;
  temperatureC: number | null;
  powerDrawW: number | null;
  powerLimitW: number | null;
  utilizationPct: number | null;
  pcieGen: number | null;
  pcieWidth: number | null;
}

export type NvidiaSmiProblem =
  | 'driver-mismatch'
  | 'driver-not-loaded'
  | 'no-devices'
  | 'nvml-missing'
  | 'permission'
  | 'timeout'
  | 'empty'
  | 'garbled'
  | 'failed';

export type NvidiaSmiReport =
  | { kind: 'missing' }
  | {
      kind: 'ok';
      cards: NvidiaCard[];
      cudaVersion: string | null;
      /** Lines that could not be read (kept for the doctor; the readable cards still count). */
      skippedLines: string[];
    }
  | { kind: 'error'; problem: NvidiaSmiProblem; exitCode: number | null; detail: string };

/** '[N/A]', '[Not Supported]', '[Unknown Error]', 'N/A' and friends: nvidia-smi's ways of saying "no value". */
export function isUnavailable(value: string): boolean {
  const text = value.trim();
  return text === '' || text === 'N/A' || (text.startsWith('[') && text.endsWith(']'));
}

function text(value: string | undefined): string | null {
  if (value === undefined || isUnavailable(value)) return null;
  return value.trim();
}

function number(value: string | undefined): number | null {
  const raw = text(value);
  if (raw === null || !/^-?\d+(\.\d+)?$/.test(raw)) return null;
  const parsed = Number(raw);
  return Number.isFinite(parsed) ? parsed : null;
}

function integer(value: string | undefined): number | null {
  const parsed = number(value);
  return parsed === null ? null : Math.round(parsed);
}

function mib(value: string | undefined): number | null {
  const parsed = integer(value);
  return parsed === null || parsed < 0 ? null : parsed;
}

/** Reads one CSV line (--format=csv,noheader,nounits) against the field list; null when it is not a card line. */
export function parseCardLine(line: string, fields: readonly string[]): NvidiaCard | null {
  const cells = line.split(',').map((cell) => cell.trim());
  if (cells.length !== fields.length) return null;
  const get = (field: string): string | undefined => {
    const at = fields.indexOf(field);
    return at === -1 ? undefined : cells[at];
  };
  const index = number(get('index'));
  const name = text(get('name'));
  const rawBus = get('pci.bus_id');
  const busId = normalizeBusId(rawBus);
  if (index === null || !Number.isInteger(index) || index < 0 || name === null) return null;
  // A bus id that is present but unreadable means the columns are not what we asked for.
  if (rawBus !== undefined && !isUnavailable(rawBus) && busId === null) return null;
  const uuid = text(get('uuid'));
  const cc = text(get('compute_cap'));
  return {
    index,
    name,
    uuid: uuid && /^(GPU|MIG)-[0-9a-f-]+$/i.test(uuid) ? uuid : null,
    busId,
    memoryTotalMiB: mib(get('memory.total')),
    memoryFreeMiB: mib(get('memory.free')),
    driverVersion: text(get('driver_version')),
    computeCapability: cc && /^\d+\.\d+$/.test(cc) ? cc : null,
    temperatureC: number(get('temperature.gpu')),
    powerDrawW: number(get('power.draw')),
    powerLimitW: number(get('power.limit')),
    utilizationPct: number(get('utilization.gpu')),
    pcieGen: integer(get('pcie.link.gen.current')),
    pcieWidth: integer(get('pcie.link.width.current')),
  };
}

/** The CUDA version the driver supports, from the header of plain `nvidia-smi` ("CUDA Version: 12.4"). */
export function parseCudaVersion(header: string | null): string | null {
  if (!header) return null;
  const match = /CUDA Version\s*:\s*(\d+\.\d+)/i.exec(header);
  return match ? match[1]! : null;
}

function classify(output: string): NvidiaSmiProblem | null {
  if (/driver\/library version mismatch/i.test(output)) return 'driver-mismatch';
  if (/couldn't communicate with the NVIDIA driver|NVIDIA driver is not loaded|Driver Not Loaded/i.test(output)) return 'driver-not-loaded';
  if (/No devices were found/i.test(output)) return 'no-devices';
  if (/NVML Shared Library Not Found|libnvidia-ml\.so|nvml\.dll/i.test(output)) return 'nvml-missing';
  if (/Insufficient Permissions|permission denied/i.test(output)) return 'permission';
  return null;
}

function firstLines(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.slice(0, 2).join(' ').slice(0, 300);
}

/** Turns what nvidia-smi printed into cards or a classified problem. Pure; never throws. */
export function parseNvidiaSmi(outcome: NvidiaSmiOutcome): NvidiaSmiReport {
  if (outcome.kind === 'missing') return { kind: 'missing' };
  if (outcome.kind === 'timeout') {
    return { kind: 'error', problem: 'timeout', exitCode: null, detail: `nvidia-smi did not answer within ${outcome.seconds} s` };
  }
  const combined = `${outcome.stdout}\n${outcome.stderr}`;
  const cards: NvidiaCard[] = [];
  const skippedLines: string[] = [];
  for (const line of outcome.stdout.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const card = parseCardLine(line, outcome.fields);
    if (card) cards.push(card);
    else skippedLines.push(line.trim().slice(0, 200));
  }
  if (outcome.exitCode === 0 && cards.length > 0) {
    cards.sort((a, b) => a.index - b.index);
    return { kind: 'ok', cards, cudaVersion: parseCudaVersion(outcome.header), skippedLines };
  }
  const problem = classify(combined);
  if (problem) return { kind: 'error', problem, exitCode: outcome.exitCode, detail: firstLines(combined) };
  if (outcome.exitCode !== 0) {
    return { kind: 'error', problem: 'failed', exitCode: outcome.exitCode, detail: firstLines(combined) || `nvidia-smi exited with code ${outcome.exitCode}` };
  }
  if (!combined.trim()) return { kind: 'error', problem: 'empty', exitCode: 0, detail: 'nvidia-smi printed nothing' };
  return { kind: 'error', problem: 'garbled', exitCode: 0, detail: firstLines(combined) };
}
