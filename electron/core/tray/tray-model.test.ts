import { describe, expect, it } from 'vitest';
import type { Availability } from '../../../protocol/availability.js';
import type { GpuInventory } from '../../../protocol/gpu.js';
import { initialJobSlice } from '../../../protocol/job-spec.js';
import { initialEarningsSlice, initialNetworkSlice, type EarningsSlice, type ProviderState, type ReceiptCheckState } from '../../../protocol/state.js';
import { payout, receiptBody } from '../earnings/test-support/earnings-world.js';
import { earnedToday, TRAY_ICONS, trayModel, type TrayMenuEntry } from './tray-model.js';
import { trayNotifications } from './tray-notifications.js';

const TODAY = '2026-03-04';
const gpus: GpuInventory = {
  status: 'ok', reason: null, nextStep: null, detectedAt: '2026-03-04T09:59:00.000Z',
  gpus: [{
    id: 'GPU-1', vendor: 'nvidia', name: 'NVIDIA GeForce RTX 4070', busId: '0000:01:00.0', vramTotalMiB: 12282, vramFreeMiB: 11000, driverVersion: '566.36', cudaVersion: '12.7',
    computeCapability: '8.9', temperatureC: 41, powerDrawW: 18, powerLimitW: 200, utilizationPct: 3, pcieGen: 4, pcieWidth: 16, sources: ['nvidia-smi'], supported: true, unsupportedReason: null,
  }],
};
const connected = { ...initialNetworkSlice('embedded'), connection: 'connected' as const, message: 'Connected' };

function availability(state: Availability['state'], reason: Availability['reason'], now: string, next: string | null = null): Availability {
  return { state, reason, detail: null, since: '2026-03-04T09:00:00.000Z', until: null, jobId: state === 'working' ? 'job-1' : null, now, next };
}

/** A connected desktop with one RTX 4070 and nothing else going on; the wallet slice is left out (the tray never reads it). */
function state(patch: Partial<ProviderState> = {}): ProviderState {
  return {
    revision: 1, mode: 'desktop', appVersion: '0.1.0', dataDir: '/d', gpus, detectingGpus: false, notices: [], job: initialJobSlice(),
    availability: availability('waiting', 'owner-active', 'Waiting: you are using the PC'), network: connected, earnings: initialEarningsSlice(), profit: null,
    ...patch,
  } as ProviderState;
}

function receipt(n: number, endedAt: string, amount: string, check: ReceiptCheckState = 'verified') {
  const body = receiptBody('ab'.repeat(32), n, { endedAt, amount, ratePerSecond: '1', seconds: Number(amount) });
  return { receipt: { body, signature: '0'.repeat(128) }, check };
}

function enabledActions(menu: TrayMenuEntry[]): string[] {
  return menu.flatMap((entry) => (entry.kind === 'item' && entry.enabled && entry.action ? [entry.action] : []));
}

const ALWAYS = ['open', 'quit'];
const CAN_PAUSE = ['pause-hour', 'pause-tomorrow', ...ALWAYS];

describe('tray model, one state at a time', () => {
  it('idle: waiting for the owner to leave; pausing allowed', () => {
    const model = trayModel({ state: state(), today: TODAY });
    expect(model).toMatchObject({ icon: 'idle', statusLine: 'Waiting: you are using the PC', todayLine: 'Today: nothing earned yet', paused: false });
    expect(model.tooltip).toBe('Offhours — Waiting: you are using the PC · Today: nothing earned yet');
    expect(enabledActions(model.menu)).toEqual(CAN_PAUSE);
  });

  it('idle before anything is known: looking for cards, nothing to pause yet', () => {
    const model = trayModel({ state: state({ gpus: null, availability: null }), today: TODAY });
    expect(model).toMatchObject({ icon: 'idle', statusLine: 'Looking for graphics cards…' });
    expect(enabledActions(model.menu)).toEqual(ALWAYS);
  });

  it('available: ready for work', () => {
    const model = trayModel({ state: state({ availability: availability('available', 'owner-away', 'Available: ready for work — you are away') }), today: TODAY });
    expect(model).toMatchObject({ icon: 'available', statusLine: 'Available: ready for work — you are away' });
    expect(enabledActions(model.menu)).toEqual(CAN_PAUSE);
  });

  it('working, even while the network is briefly away (the job goes on)', () => {
    const working = availability('working', 'owner-away', 'Working on job job-1 — you are away');
    const unreachable = { ...connected, connection: 'unreachable' as const, message: 'Network unreachable, retrying in 8 s' };
    const model = trayModel({ state: state({ availability: working, network: unreachable }), today: TODAY });
    expect(model).toMatchObject({ icon: 'working', statusLine: 'Working on job job-1 — you are away' });
  });

  it('paused: the scheduler says when it ends; only Resume, Open, Quit', () => {
    const paused = availability('off', 'paused', 'Off: you paused earning', 'Resumes at 14:30');
    const model = trayModel({ state: state({ availability: paused }), today: TODAY });
    expect(model).toMatchObject({ icon: 'paused', statusLine: 'Paused: resumes at 14:30', paused: true });
    expect(enabledActions(model.menu)).toEqual(['resume', ...ALWAYS]);
    // Paused while a job was running: the job yields, still "paused".
    const yielding = availability('yielding', 'paused', 'Paused job-1: you paused earning', 'Stays paused until you press Resume');
    expect(trayModel({ state: state({ availability: yielding }), today: TODAY }).statusLine).toBe('Paused: stays paused until you press Resume');
  });

  it('error: an error notice or a GPU problem, clipped to fit the menu', () => {
    const notice = state({ notices: [{ id: 'x', level: 'error', title: 'Jobs cannot run', message: 'm', nextStep: null }] });
    expect(trayModel({ state: notice, today: TODAY })).toMatchObject({ icon: 'error', statusLine: 'Needs attention: Jobs cannot run' });
    const noDriver = state({ gpus: { ...gpus, status: 'no-driver', gpus: [], reason: 'Found an RTX 2060, but the NVIDIA driver is not installed (nvidia-smi is missing).' } });
    const model = trayModel({ state: noDriver, today: TODAY });
    expect(model.icon).toBe('error');
    expect(model.statusLine.length).toBeLessThanOrEqual(64);
    expect(model.statusLine.startsWith('Needs attention: Found an RTX 2060')).toBe(true);
    expect(model.tooltip.length).toBeLessThanOrEqual(127);
    // A warning is not an error.
    expect(trayModel({ state: state({ notices: [{ id: 'w', level: 'warning', title: 'w', message: 'm', nextStep: null }] }), today: TODAY }).icon).toBe('idle');
  });

  it('offline: the network unreachable or refused, or no network chosen', () => {
    const unreachable = { ...connected, connection: 'unreachable' as const, message: 'Network unreachable, retrying in 8 s' };
    expect(trayModel({ state: state({ network: unreachable }), today: TODAY })).toMatchObject({ icon: 'offline', statusLine: 'Offline: Network unreachable, retrying in 8 s' });
    expect(trayModel({ state: state({ network: initialNetworkSlice('off') }), today: TODAY })).toMatchObject({ icon: 'offline', statusLine: 'Offline: not connected to any network' });
  });

  it('every icon the model can pick is one of TRAY_ICONS', () => {
    expect([...TRAY_ICONS].sort()).toEqual(['available', 'error', 'idle', 'offline', 'paused', 'working']);
  });
});

describe("today's earnings", () => {
  const earnings = (receipts: EarningsSlice['receipts']): EarningsSlice => ({ ...initialEarningsSlice(), receipts, token: { symbol: 'USDC', decimals: 6 } });

  it("shows the local day's bucket, the one the Earnings page sums (wrong receipts were left out when it was built)", () => {
    const slice: EarningsSlice = {
      ...earnings([]),
      daily: [
        { day: '2026-03-03', amount: '7000000', seconds: 7, runs: 1 },
        { day: '2026-03-04', amount: '1250000', seconds: 2, runs: 2 },
        { day: '2026-03-05', amount: '7000000', seconds: 7, runs: 1 },
      ],
    };
    expect(earnedToday(slice, TODAY)).toBe(1_250_000n);
    const model = trayModel({ state: state({ earnings: slice }), today: TODAY });
    expect(model.todayLine).toBe('Today: 1.25 USDC');
    expect(model.menu[1]).toEqual({ kind: 'item', label: 'Today: 1.25 USDC', enabled: false, action: null });
  });

  it('nothing earned on the day reads as such', () => {
    expect(trayModel({ state: state({ earnings: earnings([receipt(1, '2026-03-04T08:00:00.000Z', '1000000')]) }), today: TODAY }).todayLine).toBe('Today: nothing earned yet');
  });
});

describe('notifications, a diff of two states', () => {
  const working = state({ availability: availability('working', 'owner-away', 'Working on job job-1 — you are away') });
  const none = { firstJobShown: false };

  it('nothing for the first snapshot or an unchanged state', () => {
    expect(trayNotifications(null, working, none)).toEqual([]);
    expect(trayNotifications(working, working, none)).toEqual([]);
  });

  it('the first job ever, once', () => {
    expect(trayNotifications(state(), working, none)).toEqual([expect.objectContaining({ kind: 'first-job', title: 'Your PC started earning' })]);
    expect(trayNotifications(state(), working, { firstJobShown: true })).toEqual([]);
  });

  it('a payout received: newly paid ones, summed', () => {
    const token = { symbol: 'USDC', decimals: 6 };
    const pending = state({ earnings: { ...initialEarningsSlice(), token, payouts: [{ payout: payout(1, { state: 'pending', signature: null, paidAt: null }), chain: 'not-paid' }] } });
    const paid = state({ earnings: { ...initialEarningsSlice(), token, payouts: [{ payout: payout(1), chain: 'checking' }, { payout: payout(2), chain: 'checking' }] } });
    const notes = trayNotifications(pending, paid, none);
    expect(notes).toEqual([{ kind: 'payout', title: 'Payout received', body: expect.stringContaining('2 payouts of 3 USDC reached your wallet') }]);
    expect(trayNotifications(paid, paid, none)).toEqual([]);
  });

  it('paused for heat, with the temperature in words', () => {
    const hot = state({ availability: availability('cooling', 'gpu-hot', 'Cooling down: the GPU is at 86 °C (your limit is 83 °C)') });
    const notes = trayNotifications(working, hot, { firstJobShown: true });
    expect(notes).toEqual([expect.objectContaining({ kind: 'gpu-hot', body: expect.stringContaining('86 °C') })]);
    expect(trayNotifications(hot, hot, none)).toEqual([]);
  });

  it('a GPU disappeared; a detection still running compares nothing', () => {
    const gone = state({ gpus: { ...gpus, status: 'no-gpu', gpus: [], reason: 'No graphics card found' } });
    expect(trayNotifications(state(), gone, none)).toEqual([expect.objectContaining({ kind: 'gpu-lost', body: expect.stringContaining('NVIDIA GeForce RTX 4070 is no longer seen') })]);
    expect(trayNotifications(state(), state({ gpus: null }), none)).toEqual([]);
  });
});
