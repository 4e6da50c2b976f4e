import { describe, expect, it, vi } from 'vitest';
import type { Gpu } from '../../../protocol/gpu.js';
import { GPU_SPECS } from '../../../protocol/bench/spec-table.js';
import { NetProfitSchema } from '../../../protocol/net-profit.js';
import { applySettingsPatch, defaultSettings, migrateSettings } from '../../../protocol/settings.js';
import { decideOffer, type OfferContext } from '../network/offer-decision.js';
import { estimateGpuPower, TYPICAL_BOARD_POWER_W } from './board-power.js';
import {
  energyCostPerHour,
  inCheapHours,
  machinePower,
  netProfit,
  netProfitAt,
  noticesForProfit,
  parseDecimal,
  perHour,
  priceForHour,
  UNPROFITABLE_NOTICE_ID,
  type ElectricitySettings,
  type ProfitContext,
} from './net-profit.js';
import { parsePowerDraw, wattsToMilliwatts } from '../gpu/power-draw.js';
import { PowerSampler } from './power-sampler.js';
import { withNetProfit } from './profit-state.js';
import { initialEarningsSlice, initialNetworkSlice, type ProviderState } from '../../../protocol/state.js';
import { initialJobSlice } from '../../../protocol/job-spec.js';

/** 6 decimals, like USDC: 1 token = 1_000_000 base units. */
const TOKEN = { symbol: 'USDC', decimals: 6 };
const flat = (pricePerKwh: string | null): ElectricitySettings => ({ pricePerKwh, timeOfUse: null, stopWhenUnprofitable: false });
const night: ElectricitySettings = { pricePerKwh: '0.30', timeOfUse: { cheapPricePerKwh: '0.10', fromHour: 22, toHour: 6 }, stopWhenUnprofitable: true };

function gpu(patch: Partial<Gpu> = {}): Gpu {
  return {
    id: 'GPU-1', vendor: 'nvidia', name: 'NVIDIA GeForce RTX 4070', busId: '0000:01:00.0', vramTotalMiB: 12282, vramFreeMiB: 11000, driverVersion: '566.36', cudaVersion: '12.7',
    computeCapability: '8.9', temperatureC: 41, powerDrawW: 18, powerLimitW: null, utilizationPct: 3, pcieGen: 4, pcieWidth: 16, sources: ['nvidia-smi'], supported: true, unsupportedReason: null,
    ...patch,
  };
}
const context = (patch: Partial<ProfitContext> = {}): ProfitContext => ({ gpus: [gpu()], measured: new Map(), electricity: flat('0.25'), localHour: 12, token: TOKEN, ...patch });

describe('electricity cost, integers only', () => {
  it('parses the decimal the owner typed exactly', () => {
    expect(parseDecimal('0.25')).toEqual({ units: 25n, scale: 100n });
    expect(parseDecimal('12')).toEqual({ units: 12n, scale: 1n });
    expect(parseDecimal('1e3')).toBeNull();
    expect(parseDecimal('-1')).toBeNull();
  });

  it('200 W for an hour at 0.25 per kWh is 0.05 tokens', () => {
    expect(energyCostPerHour(200_000n, '0.25', 6)).toBe(50_000n);
    // 18 decimals and a long fraction: still exact, no float anywhere.
    expect(energyCostPerHour(333_333n, '0.123456789012345678', 18)).toBe(41_152_221_851_852_222n) // 333333 × 123456789012345678 / 10^6 = …221.8518…;
  });

  it('rounds half up once, at the end', () => {
    expect(energyCostPerHour(500_000n, '0.001', 0)).toBe(0n); // 0.0005 tokens → 0
    expect(energyCostPerHour(1_000_000n, '0.5', 0)).toBe(1n); // exactly 0.5 → 1
    expect(energyCostPerHour(1_000_000n, '0.4', 0)).toBe(0n);
  });
});

describe('tariffs', () => {
  it('a flat price applies at every hour; none entered means no net at all', () => {
    for (const hour of [0, 6, 12, 23]) expect(priceForHour(flat('0.25'), hour)).toEqual({ pricePerKwh: '0.25', cheapRate: false });
    expect(priceForHour(flat(null), 12)).toBeNull();
    expect(netProfitAt(perHour('100'), context({ electricity: flat(null) }))).toBeNull();
  });

  it('a night rate crossing midnight (22 → 6) covers 22:00–05:59 only', () => {
    expect([21, 22, 23, 0, 5, 6, 12].map((hour) => priceForHour(night, hour)?.cheapRate)).toEqual([false, true, true, true, true, false, false]);
    expect(priceForHour(night, 23)?.pricePerKwh).toBe('0.10');
    expect(priceForHour(night, 12)?.pricePerKwh).toBe('0.30');
  });

  it('a cheap window inside one day (1 → 7) does not wrap', () => {
    expect([0, 1, 6, 7].map((hour) => inCheapHours(hour, 1, 7))).toEqual([false, true, true, false]);
  });

  it('the same job nets more at night', () => {
    const gross = perHour('20'); // 72_000 base units per hour
    const day = netProfitAt(gross, context({ electricity: night, localHour: 14 }))!;
    const nightly = netProfitAt(gross, context({ electricity: night, localHour: 2 }))!;
    // RTX 4070, no reading: typical board power 200 W → 0.2 kWh per hour.
    expect(day).toMatchObject({ costPerHour: '60000', netPerHour: '12000', negative: false, cheapRate: false, powerW: 200 });
    expect(nightly).toMatchObject({ costPerHour: '20000', netPerHour: '52000', cheapRate: true });
    expect(NetProfitSchema.parse(day)).toEqual(day);
  });
});

describe('power: measured, estimated, unknown', () => {
  it('prefers a reading taken while working', () => {
    const power = machinePower([gpu()], new Map([['GPU-1', 187_500]]));
    expect(power).toEqual({ milliwatts: 187_500, source: 'measured', basis: 'measured by nvidia-smi while a job ran' });
  });

  it('without a reading: the power limit, then the typical board power, then the vendor default, always marked', () => {
    expect(estimateGpuPower(gpu({ powerLimitW: 215.5 }))).toEqual({ watts: 216, basis: "estimate: the NVIDIA GeForce RTX 4070's power limit" });
    expect(estimateGpuPower(gpu())).toEqual({ watts: 200, basis: 'estimate: typical board power of the GeForce RTX 4070' });
    expect(estimateGpuPower(gpu({ vendor: 'amd', name: 'AMD Radeon RX 7900 XTX' }))?.watts).toBe(355);
    expect(estimateGpuPower(gpu({ vendor: 'intel', name: 'Intel Arc A770' }))).toEqual({ watts: 150, basis: "estimate: a typical Intel GPU (this model's power is not known)" });
    expect(machinePower([gpu()], new Map()).source).toBe('estimate');
  });

  it('every board-power row names a spec-table GPU', () => {
    const ids = new Set(GPU_SPECS.map((spec) => spec.id));
    expect(Object.keys(TYPICAL_BOARD_POWER_W).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('two cards: one measured, one estimated, summed and marked as an estimate', () => {
    const power = machinePower([gpu(), gpu({ id: 'GPU-2', name: 'NVIDIA GeForce RTX 3060' })], new Map([['GPU-1', 190_000]]));
    expect(power.milliwatts).toBe(190_000 + 170_000);
    expect(power.source).toBe('estimate');
    expect(power.basis).toContain('1 card(s) measured');
  });

  it('nothing to go on: no cost and no net shown, never "negative"', () => {
    const unknownCard = gpu({ vendor: 'other', name: 'Mystery Accelerator' });
    const profit = netProfitAt(perHour('1'), context({ gpus: [unknownCard] }))!;
    expect(profit).toMatchObject({ grossPerHour: '3600', costPerHour: null, netPerHour: null, negative: false, powerSource: 'unknown', powerW: null });
    expect(netProfitAt(perHour('1'), context({ gpus: [] }))?.powerSource).toBe('unknown');
  });

  it('no token known yet: no unit to turn the price into, so no net', () => {
    expect(netProfitAt(perHour('1'), context({ token: null }))).toBeNull();
  });
});

describe('a negative margin', () => {
  // 300 W at 0.30 per kWh = 0.09 USDC per hour; the job pays 10 base units per second = 0.036 USDC per hour.
  const power = { milliwatts: 300_000, source: 'measured' as const, basis: 'measured by nvidia-smi while a job ran' };
  const losing = netProfit({ grossPerHour: perHour('10'), power, electricity: night, localHour: 12, token: TOKEN })!;
  const base: OfferContext = { availability: 'available', runningJobId: null, starting: false, enrolled: true, nowMs: 1000, deadlineMs: 2000 };

  it('is negative, with the amounts in base units', () => {
    expect(losing).toMatchObject({ grossPerHour: '36000', costPerHour: '90000', netPerHour: '-54000', negative: true });
  });

  it('the offer is refused with a clear reason when the owner opted in', () => {
    const decision = decideOffer({ ...base, profit: { estimate: losing, stopWhenUnprofitable: true } });
    expect(decision).toEqual({ accept: false, reason: 'unprofitable', message: expect.stringContaining('pays less than the electricity') });
    // The coordinator hears the reason, not the owner's price or power.
    expect(decision.accept === false && decision.message).not.toMatch(/0\.3|300 W/);
  });

  it('is taken when the owner did not opt in, when the net is unknown, or when it pays', () => {
    expect(decideOffer({ ...base, profit: { estimate: losing, stopWhenUnprofitable: false } })).toEqual({ accept: true });
    expect(decideOffer({ ...base, profit: { estimate: null, stopWhenUnprofitable: true } })).toEqual({ accept: true });
    const paying = netProfit({ grossPerHour: perHour('100'), power, electricity: night, localHour: 12, token: TOKEN });
    expect(decideOffer({ ...base, profit: { estimate: paying, stopWhenUnprofitable: true } })).toEqual({ accept: true });
    expect(decideOffer(base)).toEqual({ accept: true });
  });

  it('the owner is told once when it turns negative, and the warning goes when it pays again', () => {
    const raised = noticesForProfit([], null, losing, true);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ id: UNPROFITABLE_NOTICE_ID, level: 'warning', title: 'Working costs more than it earns' });
    expect(raised[0]!.message).toContain('net -0.054 USDC/h');
    expect(raised[0]!.nextStep).toContain('takes no new work');
    // Dismissed by the owner, still negative: not raised again at the next reading.
    expect(noticesForProfit([], losing, { ...losing, netPerHour: '-50000' }, true)).toEqual([]);
    expect(noticesForProfit(raised, losing, { ...losing, netPerHour: '1', negative: false }, true)).toEqual([]);
  });
});

describe('settings.electricity', () => {
  it('an older file without the section loads with the feature off', () => {
    const outcome = migrateSettings({ schemaVersion: 1, wallet: { payoutAddress: null } });
    expect(outcome.kind === 'ok' && outcome.settings.electricity).toEqual({ pricePerKwh: null, timeOfUse: null, stopWhenUnprofitable: false });
  });

  it('takes a decimal price and a night rate; refuses floats in disguise and an empty window', () => {
    const next = applySettingsPatch(defaultSettings(), { electricity: { pricePerKwh: '0.28', timeOfUse: { cheapPricePerKwh: '0.12', fromHour: 23, toHour: 7 }, stopWhenUnprofitable: true } });
    expect(next.electricity.timeOfUse?.fromHour).toBe(23);
    for (const pricePerKwh of ['1e-3', '-0.1', '.5', '0.1234567890123456789', '']) {
      expect(() => applySettingsPatch(defaultSettings(), { electricity: { pricePerKwh } })).toThrow();
    }
    expect(() => applySettingsPatch(defaultSettings(), { electricity: { pricePerKwh: '0.2', timeOfUse: { cheapPricePerKwh: '0.1', fromHour: 5, toHour: 5 } } })).toThrow(/different hours/);
  });
});

describe('power readings (nvidia-smi --query-gpu=uuid,power.draw)', () => {
  it('parses watts to milliwatts from the text, skipping [N/A]', () => {
    expect(wattsToMilliwatts('215.47')).toBe(215_470);
    expect(wattsToMilliwatts('90')).toBe(90_000);
    expect(wattsToMilliwatts('[N/A]')).toBeNull();
    const stdout = 'GPU-aaa, 215.47\nGPU-bbb, [N/A]\nGPU-ccc, [Not Supported]\n\ngarbage\nGPU-ddd, 31.2\r\n';
    expect(parsePowerDraw(stdout)).toEqual([
      { gpuId: 'GPU-aaa', milliwatts: 215_470 },
      { gpuId: 'GPU-ddd', milliwatts: 31_200 },
    ]);
  });

  it('keeps only readings taken while a job works the GPU', async () => {
    let working = false;
    const meter = { read: vi.fn(async () => [{ gpuId: 'GPU-1', milliwatts: working ? 190_000 : 15_000 }]) };
    const onTick = vi.fn();
    const sampler = new PowerSampler({ meter, timers: { setInterval: () => 1, clearInterval: () => undefined }, logger: { info() {}, warn() {}, error() {} }, working: () => working, onTick });
    await sampler.tick();
    expect(meter.read).not.toHaveBeenCalled();
    expect(sampler.readings().size).toBe(0);
    working = true;
    await sampler.tick();
    expect(sampler.readings().get('GPU-1')).toBe(190_000);
    // The job ended while nvidia-smi ran: that reading is dropped, the working one stays.
    meter.read.mockImplementationOnce(async () => {
      working = false;
      return [{ gpuId: 'GPU-1', milliwatts: 15_000 }];
    });
    await sampler.tick();
    expect(sampler.readings().get('GPU-1')).toBe(190_000);
    expect(onTick).toHaveBeenCalledTimes(3);
  });
});

describe('net profit in ProviderState', () => {
  const standing = { providerId: 'prov-1', benchmark: { state: 'passed' as const, throughputMilliGflops: 1, demo: false, failureReason: null, message: null, at: null }, ratePerHour: '36000', reputation: { score: 0, rules: [] } };
  const network = { ...initialNetworkSlice('embedded'), standing, network: { coordinatorId: 'c1', name: 'n', kind: 'local-test' as const, tokenHasValue: false, tokenSymbol: 'USDC', tokenDecimals: 6, acceptsSoftwareAdapters: true } };
  const gpus = { status: 'ok' as const, reason: null, nextStep: null, detectedAt: '', gpus: [gpu()] };
  const state = { revision: 1, mode: 'headless', appVersion: '0', dataDir: '/d', gpus, detectingGpus: false, notices: [], job: initialJobSlice(), availability: null, network, earnings: initialEarningsSlice(), profit: null } as unknown as ProviderState;
  const inputs = { electricity: night, measured: new Map([['GPU-1', 300_000]]), localHour: 12 };

  it('follows the network\'s rate and token, and warns once when it turns negative', () => {
    const next = withNetProfit(state, inputs);
    expect(next.profit).toMatchObject({ grossPerHour: '36000', netPerHour: '-54000', negative: true, powerSource: 'measured' });
    expect(next.notices.map((n) => n.id)).toEqual([UNPROFITABLE_NOTICE_ID]);
    expect(withNetProfit(next, inputs)).toBe(next);
    const atNight = withNetProfit(next, { ...inputs, localHour: 23 });
    expect(atNight.profit).toMatchObject({ costPerHour: '30000', netPerHour: '6000', negative: false, cheapRate: true });
    expect(atNight.notices).toEqual([]);
  });

  it('without a rate yet: no net', () => {
    expect(withNetProfit({ ...state, network: { ...network, standing: { ...standing, ratePerHour: null } } }, inputs).profit).toBeNull();
  });
});
