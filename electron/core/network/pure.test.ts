import { describe, expect, it } from 'vitest';
import { backoffDelay, RECONNECT_BACKOFF } from './backoff.js';
import { decideOffer, type OfferContext } from './offer-decision.js';
import { SeqCounter } from './seq.js';
import { StatusQueue, type JobStatusReport } from './status-queue.js';
import { finalReport, observeJob, ownerPresent, PULL_REPORT_EVERY_MS } from './job-status.js';
import { startingSlice, targetFor, unreachableSlice, wsUrlFor } from './slice.js';
import { backendsFor, gpuClaims, payoutAddressFrom } from './hello.js';
import { defaultSettings } from '../../../protocol/settings.js';
import type { CurrentJob } from '../../../protocol/job-spec.js';

describe('backoffDelay', () => {
  it('doubles from the base and stays within [ceiling/2, ceiling]', () => {
    expect(backoffDelay(0, 0)).toBe(500);
    expect(backoffDelay(0, 0.999999)).toBe(1000);
    expect(backoffDelay(3, 0)).toBe(4000);
    expect(backoffDelay(3, 0.5)).toBe(6000);
  });
  it('is capped, also for absurd attempt counts', () => {
    expect(backoffDelay(10, 1)).toBe(RECONNECT_BACKOFF.maxMs);
    expect(backoffDelay(10_000, 0)).toBe(RECONNECT_BACKOFF.maxMs / 2);
  });
  it('never goes outside the window for out-of-range randoms', () => {
    expect(backoffDelay(1, -5)).toBe(1000);
    expect(backoffDelay(1, 7)).toBe(2000);
  });
});

describe('SeqCounter', () => {
  it('is strictly increasing from above both the last seq and the clock', () => {
    const counter = new SeqCounter(5, 1_000);
    expect([counter.next(), counter.next()]).toEqual([1_001, 1_002]);
    const restored = new SeqCounter(2_000_000, 1_000);
    expect(restored.next()).toBe(2_000_001);
    expect(restored.current()).toBe(2_000_001);
  });
});

describe('decideOffer', () => {
  const base: OfferContext = { availability: 'available', runningJobId: null, starting: false, enrolled: true, nowMs: 1000, deadlineMs: 2000 };
  it('accepts only when available, idle, enrolled and in time', () => {
    expect(decideOffer(base)).toEqual({ accept: true });
  });
  it.each([
    [{ availability: 'waiting' as const }, 'not-available'],
    [{ availability: null }, 'not-available'],
    [{ runningJobId: 'job-1' }, 'busy'],
    [{ starting: true }, 'busy'],
    [{ enrolled: false }, 'not-enrolled'],
    [{ nowMs: 2001 }, 'deadline-passed'],
  ])('declines %o with %s', (patch, reason) => {
    const decision = decideOffer({ ...base, ...patch });
    expect(decision).toMatchObject({ accept: false, reason });
  });
});

const status = (jobId: string, kind: JobStatusReport['status'], extra: Partial<JobStatusReport> = {}): JobStatusReport => ({
  jobId,
  status: kind,
  at: '2026-01-01T00:00:00.000Z',
  pull: null,
  exitCode: null,
  workedSeconds: null,
  outputDigest: null,
  message: null,
  ...extra,
});

describe('StatusQueue', () => {
  it('marks statuses that happen while away as replays and keeps them until acknowledged', () => {
    const queue = new StatusQueue();
    const online = queue.enqueue(status('a', 'started'), true);
    const away = queue.enqueue(status('a', 'finished'), false);
    expect([online.replayed, away.replayed]).toEqual([false, true]);
    queue.markSent(online.id, 10);
    expect(queue.unsent().map((e) => e.status)).toEqual(['finished']);
    expect(queue.ack('a', 'started', 10)).toBe(true);
    expect(queue.ack('a', 'started', 10)).toBe(false);
    expect(queue.size).toBe(1);
  });
  it('re-sends everything unacknowledged after a disconnect, as replays', () => {
    const queue = new StatusQueue();
    const e = queue.enqueue(status('a', 'started'), true);
    queue.markSent(e.id, 3);
    queue.disconnected();
    expect(queue.unsent()).toEqual([expect.objectContaining({ status: 'started', replayed: true, sentSeq: null })]);
  });
  it('acks by seq first, then by job and kind', () => {
    const queue = new StatusQueue();
    const first = queue.enqueue(status('a', 'frozen'), true);
    const second = queue.enqueue(status('a', 'frozen'), true);
    queue.markSent(first.id, 1);
    queue.markSent(second.id, 2);
    queue.ack('a', 'frozen', 2);
    expect(queue.entries().map((e) => e.id)).toEqual([first.id]);
  });
  it('keeps only the newest unsent pull progress of a job', () => {
    const queue = new StatusQueue();
    queue.enqueue(status('a', 'pulling', { pull: { bytesDone: 1, bytesTotal: 10 } }), false);
    queue.enqueue(status('a', 'pulling', { pull: { bytesDone: 5, bytesTotal: 10 } }), false);
    expect(queue.entries().map((e) => e.pull?.bytesDone)).toEqual([5]);
  });
  it('is bounded and drops progress before final statuses', () => {
    const queue = new StatusQueue(3);
    queue.enqueue(status('a', 'finished'), false);
    queue.enqueue(status('b', 'started'), false);
    queue.enqueue(status('b', 'frozen'), false);
    queue.enqueue(status('b', 'failed'), false);
    expect(queue.entries().map((e) => `${e.jobId}:${e.status}`)).toEqual(['a:finished', 'b:frozen', 'b:failed']);
    queue.enqueue(status('c', 'finished'), false);
    queue.enqueue(status('d', 'interrupted'), false);
    expect(queue.entries().map((e) => `${e.jobId}:${e.status}`)).toEqual(['b:failed', 'c:finished', 'd:interrupted']);
  });
  it('restores persisted entries as unsent replays with fresh ids above the old ones', () => {
    const queue = new StatusQueue();
    const e = queue.enqueue(status('a', 'finished'), true);
    queue.markSent(e.id, 9);
    const restored = StatusQueue.restore(queue.entries());
    expect(restored.unsent()).toEqual([expect.objectContaining({ replayed: true, sentSeq: null })]);
    expect(restored.enqueue(status('b', 'started'), true).id).toBeGreaterThan(e.id);
  });
});

const job = (phase: CurrentJob['phase'], extra: Partial<CurrentJob> = {}): CurrentJob => ({
  jobId: 'j1',
  image: 'img',
  phase,
  source: 'network',
  pull: null,
  elapsedSeconds: 0,
  maxDurationSeconds: 60,
  pricePerSecond: '1',
  logTail: [],
  logLinesTotal: 0,
  droppedLogLines: 0,
  usesGpu: false,
  ...extra,
});

describe('observeJob', () => {
  it('reports pulling on entry, progress at most every PULL_REPORT_EVERY_MS, and started once', () => {
    const pull = { bytesDone: 10, bytesTotal: 100, layersDone: 0, layersTotal: 1, cached: false };
    let step = observeJob(null, job('pulling', { pull }), 0);
    expect(step.reports.map((r) => r.status)).toEqual(['pulling']);
    expect(step.reports[0]!.pull).toEqual({ bytesDone: 10, bytesTotal: 100 });
    step = observeJob(step.seen, job('pulling', { pull }), PULL_REPORT_EVERY_MS - 1);
    expect(step.reports).toEqual([]);
    step = observeJob(step.seen, job('pulling', { pull }), PULL_REPORT_EVERY_MS);
    expect(step.reports.map((r) => r.status)).toEqual(['pulling']);
    step = observeJob(step.seen, job('running'), 3000);
    expect(step.reports.map((r) => r.status)).toEqual(['started']);
    step = observeJob(step.seen, job('frozen'), 4000);
    step = observeJob(step.seen, job('running'), 5000);
    expect(step.reports).toEqual([]);
  });
  it('maps outcomes to final statuses with whole worked seconds', () => {
    expect(finalReport('j', { outcome: 'succeeded', exitCode: 0, workedMs: 2999, outputDigest: 'a'.repeat(64), reason: null }, 0)).toMatchObject({ status: 'finished', exitCode: 0, workedSeconds: 2, outputDigest: 'a'.repeat(64) });
    expect(finalReport('j', { outcome: 'timed-out', exitCode: null, workedMs: 0, outputDigest: 'not-hex', reason: 'too long' }, 0)).toMatchObject({ status: 'failed', outputDigest: null, message: 'too long' });
    expect(finalReport('j', { outcome: 'stopped', exitCode: 143, workedMs: 0, outputDigest: null, reason: null }, 0).status).toBe('interrupted');
  });
  it('treats games, other GPU users and activity as the owner being present', () => {
    expect(ownerPresent('game-running')).toBe(true);
    expect(ownerPresent('owner-away')).toBe(false);
  });
});

describe('slice and hello helpers', () => {
  it('says how long until the next try, and keeps what it knew', () => {
    const slice = { ...startingSlice({ kind: 'remote', url: 'https://c.example' }), providerId: 'p1', enrolled: true, sessionId: 's1' };
    const down = unreachableSlice(slice, Date.parse('2026-01-01T00:00:00Z'), 7_400, null);
    expect(down).toMatchObject({ connection: 'unreachable', message: 'Network unreachable, retrying in 8 s', nextRetryAt: '2026-01-01T00:00:07.400Z', providerId: 'p1', enrolled: false, sessionId: null });
    expect(unreachableSlice(slice, 0, 1000, 'protocol too old').connection).toBe('refused');
  });
  it('reads the settings choice and builds the WebSocket URL', () => {
    expect(targetFor('off')).toEqual({ kind: 'off' });
    expect(targetFor('https://c.example/')).toEqual({ kind: 'remote', url: 'https://c.example' });
    expect(wsUrlFor('http://127.0.0.1:5/', '/v1/provider')).toBe('ws://127.0.0.1:5/v1/provider');
    expect(wsUrlFor('https://c.example', '/v1/provider')).toBe('wss://c.example/v1/provider');
  });
  it('offers only supported cards, CUDA only with an NVIDIA driver, and no malformed wallet', () => {
    const gpu = { id: '1', vendor: 'nvidia' as const, name: 'RTX', busId: null, vramTotalMiB: 8192, vramFreeMiB: null, driverVersion: '550', cudaVersion: null, computeCapability: null, temperatureC: null, powerDrawW: null, powerLimitW: null, utilizationPct: null, pcieGen: null, pcieWidth: null, sources: [], supported: true, unsupportedReason: null };
    const inventory = { status: 'ok' as const, gpus: [gpu, { ...gpu, id: '2', vendor: 'intel' as const, supported: false }], reason: null, nextStep: null, detectedAt: '' };
    expect(gpuClaims(inventory)).toEqual([{ name: 'RTX', vendor: 'nvidia', vramMiB: 8192 }]);
    expect(backendsFor(inventory)).toEqual(['webgpu', 'cuda']);
    expect(backendsFor(null)).toEqual(['webgpu']);
    const settings = defaultSettings();
    expect(payoutAddressFrom({ ...settings, wallet: { payoutAddress: 'not a wallet' } })).toBe('');
    expect(payoutAddressFrom({ ...settings, wallet: { payoutAddress: '11111111111111111111111111111111' } })).toBe('11111111111111111111111111111111');
  });
});
