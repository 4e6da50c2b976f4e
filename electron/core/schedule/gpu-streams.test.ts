import { describe, expect, it } from 'vitest';
import { hottest, LineSplitter, parseTemperatureLine, PmonLineReader, restartDelay, SampleCollector, type RestartPolicy } from './gpu-streams.js';

describe('LineSplitter', () => {
  it('keeps a partial line until its newline arrives, across any chunk boundary', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('0, 4')).toEqual([]);
    expect(splitter.push('5\n1, 6')).toEqual(['0, 45']);
    expect(splitter.push('1\r')).toEqual([]);
    expect(splitter.push('\n')).toEqual(['1, 61']);
    expect(splitter.push('a\nb\n\nc')).toEqual(['a', 'b', '']);
  });

  it('drops a runaway line with no newline instead of growing without end', () => {
    const splitter = new LineSplitter(8);
    expect(splitter.push('x'.repeat(20))).toEqual([]);
    expect(splitter.push('yz\n')).toEqual(['yz']);
  });

  it('forgets the old process half line on reset (a restarted stream)', () => {
    const splitter = new LineSplitter();
    splitter.push('    0   12');
    splitter.reset();
    expect(splitter.push('45\n')).toEqual(['45']);
  });
});

describe('SampleCollector', () => {
  it('groups lines that arrive together into one sample and starts a new one after a pause', () => {
    const samples = new SampleCollector<number>(500);
    samples.push(40, 1000);
    samples.push(61, 1001);
    expect(samples.latest(1001, 10_000)).toEqual([40, 61]);
    samples.push(42, 6000);
    expect(samples.latest(6000, 10_000)).toEqual([42]);
  });

  it('treats a sample older than the limit, or none, as unknown', () => {
    const samples = new SampleCollector<number>(500);
    expect(samples.latest(0, 12_500)).toBeNull();
    samples.push(40, 1000);
    expect(samples.latest(13_500, 12_500)).toEqual([40]);
    expect(samples.latest(13_501, 12_500)).toBeNull();
    samples.push(41, 13_600);
    samples.clear();
    expect(samples.latest(13_600, 12_500)).toBeNull();
  });

  it('keeps only the newest items of a stream that never pauses', () => {
    const samples = new SampleCollector<number>(500, 3);
    for (let i = 0; i < 10; i++) samples.push(i, i * 100);
    expect(samples.latest(900, 1000)).toEqual([7, 8, 9]);
  });
});

describe('temperature lines', () => {
  it('reads °C, a GPU without a sensor as null, and garbage as no GPU at all', () => {
    expect(parseTemperatureLine('61')).toBe(61);
    expect(parseTemperatureLine(' 74 ')).toBe(74);
    expect(parseTemperatureLine('[N/A]')).toBeNull();
    expect(parseTemperatureLine('[Not Supported]')).toBeNull();
    expect(parseTemperatureLine('Failed to initialize NVML: Driver/library version mismatch')).toBeUndefined();
    expect(parseTemperatureLine('')).toBeUndefined();
    expect(parseTemperatureLine('61, 74')).toBeUndefined();
    expect(hottest([61, null, 74])).toBe(74);
    expect(hottest([null])).toBeNull();
  });
});

describe('PmonLineReader', () => {
  const header = '# gpu         pid   type     sm    mem    enc    dec    jpg    ofa     fb   command';
  const units = '# Idx           #    C/G      %      %      %      %      %      %     MB   name';

  it('reads rows under the header, the "-" row of an unused GPU included, and skips garbage', () => {
    const reader = new PmonLineReader();
    expect(reader.read('    0       5120     G     71     38      -      -      -      -   6120   eldenring.exe')).toBeNull();
    expect(reader.read(header)).toBeNull();
    expect(reader.read(units)).toBeNull();
    expect(reader.read('    0       5120     G     71     38      -      -      -      -   6120   Elden Ring.exe')).toEqual({
      gpu: 0,
      process: { pid: 5120, name: 'Elden Ring.exe', kind: 'graphics', smPercent: 71, usedMiB: 6120 },
    });
    expect(reader.read('    1          -     -      -      -      -      -      -      -      -   -')).toEqual({ gpu: 1, process: null });
    expect(reader.read('Failed to initialize NVML: Unknown Error')).toBeNull();
    expect(reader.read('')).toBeNull();
    expect(reader.read('    0       77')).toEqual({ gpu: 0, process: expect.objectContaining({ pid: 77, smPercent: null }) });
  });

  it('follows a repeated header with other columns, and forgets the columns when the stream restarts', () => {
    const reader = new PmonLineReader();
    reader.read(header);
    reader.read('# gpu        pid  type    sm   mem   enc   dec   command');
    expect(reader.read('    0       7777     C    98    61     -     -   python3')?.process).toMatchObject({ pid: 7777, kind: 'compute', smPercent: 98, usedMiB: null, name: 'python3' });
    reader.reset();
    expect(reader.read('    0       7777     C    98    61     -     -   python3')).toBeNull();
  });
});

describe('restartDelay', () => {
  const policy: RestartPolicy = { firstDelayMs: 1000, maxDelayMs: 60_000, healthyAfterMs: 30_000, missingRecheckMs: 600_000 };

  it('doubles the wait with each quick failure, up to the cap', () => {
    let quickFailures = 0;
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const next = restartDelay({ missing: false, ranMs: 200 }, quickFailures, policy);
      delays.push(next.delayMs);
      quickFailures = next.quickFailures;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('starts afresh after a stream that ran long enough to be healthy', () => {
    expect(restartDelay({ missing: false, ranMs: 30_000 }, 6, policy)).toEqual({ delayMs: 1000, quickFailures: 1 });
    expect(restartDelay({ missing: false, ranMs: 200 }, 1, policy)).toEqual({ delayMs: 2000, quickFailures: 2 });
  });

  it('looks for a missing nvidia-smi again only rarely', () => {
    expect(restartDelay({ missing: true, ranMs: 0 }, 3, policy)).toEqual({ delayMs: 600_000, quickFailures: 0 });
  });
});
