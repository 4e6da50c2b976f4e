/**
 * Net profit, pure: what an hour of work pays minus what the GPUs' electricity costs in that hour, in base units of
 * the payout token. The owner enters the electricity price per kWh in payout tokens (settings.electricity, see
 * PricePerKwhSchema for why), so both sides share one unit; the price becomes base units with the token's decimals
 * here. Integers only (bigint), one rounding at the very end. Time comes in as the local hour of the day.
 */
import type { Gpu } from '../../../protocol/gpu.js';
import type { NetProfit, PowerSource } from '../../../protocol/net-profit.js';
import { formatTokenAmount, type TokenUnits } from '../../../protocol/network-format.js';
import type { Settings } from '../../../protocol/settings.js';
import type { Notice } from '../../../protocol/state.js';
import { estimateGpuPower } from './board-power.js';

export type ElectricitySettings = Settings['electricity'];

/** An exact decimal: "0.25" → 25 / 100. Null for anything that is not plain digits with an optional fraction. */
export function parseDecimal(text: string): { units: bigint; scale: bigint } | null {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const fraction = match[2] ?? '';
  return { units: BigInt(match[1]! + fraction), scale: 10n ** BigInt(fraction.length) };
}

/** Whether a local hour (0–23) is in [fromHour, toHour), wrapping past midnight when fromHour > toHour. */
export function inCheapHours(hour: number, fromHour: number, toHour: number): boolean {
  return fromHour < toHour ? hour >= fromHour && hour < toHour : hour >= fromHour || hour < toHour;
}

/** The price per kWh that applies at this local hour; null when the owner entered none. */
export function priceForHour(electricity: ElectricitySettings, localHour: number): { pricePerKwh: string; cheapRate: boolean } | null {
  if (electricity.pricePerKwh === null) return null;
  const tariff = electricity.timeOfUse;
  if (tariff && inCheapHours(localHour, tariff.fromHour, tariff.toHour)) return { pricePerKwh: tariff.cheapPricePerKwh, cheapRate: true };
  return { pricePerKwh: electricity.pricePerKwh, cheapRate: false };
}

/**
 * Base units that an hour at `milliwatts` costs at `pricePerKwh` tokens per kWh:
 * mW / 10^6 = kW, × price = tokens per hour, × 10^decimals = base units. Rounded half up, once.
 */
export function energyCostPerHour(milliwatts: bigint, pricePerKwh: string, decimals: number): bigint {
  const price = parseDecimal(pricePerKwh);
  if (!price) throw new Error(`not a price per kWh: ${pricePerKwh}`);
  const numerator = milliwatts * price.units * 10n ** BigInt(decimals);
  const denominator = 1_000_000n * price.scale;
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/** The power behind the cost: all GPUs that take work together. */
export interface MachinePower {
  milliwatts: number | null;
  source: PowerSource;
  basis: string;
}

const MEASURED_BASIS = 'measured by nvidia-smi while a job ran';

/**
 * The power of the GPUs that take work (or every GPU when none is marked supported): a reading taken while a job
 * ran where there is one (`measuredMilliwatts`, by GPU id), otherwise an estimate. One GPU with neither makes the
 * whole figure unknown: a cost that leaves a card out would flatter the net.
 */
export function machinePower(gpus: readonly Gpu[], measuredMilliwatts: ReadonlyMap<string, number>): MachinePower {
  const supported = gpus.filter((gpu) => gpu.supported);
  const working = supported.length > 0 ? supported : gpus;
  if (working.length === 0) return { milliwatts: null, source: 'unknown', basis: 'no graphics card found' };
  let total = 0;
  const estimates: string[] = [];
  for (const gpu of working) {
    const measured = measuredMilliwatts.get(gpu.id);
    if (measured !== undefined) {
      total += measured;
      continue;
    }
    const estimate = estimateGpuPower(gpu);
    if (!estimate) return { milliwatts: null, source: 'unknown', basis: `the ${gpu.name}'s power was never measured and cannot be estimated` };
    total += estimate.watts * 1000;
    estimates.push(estimate.basis);
  }
  if (estimates.length === 0) return { milliwatts: total, source: 'measured', basis: MEASURED_BASIS };
  const measuredCount = working.length - estimates.length;
  return { milliwatts: total, source: 'estimate', basis: estimates.join('; ') + (measuredCount > 0 ? `; ${measuredCount} card(s) ${MEASURED_BASIS}` : '') };
}

export interface NetProfitInput {
  /** Base units one hour of work pays. */
  grossPerHour: bigint;
  power: MachinePower;
  electricity: ElectricitySettings;
  /** 0–23, the machine's local time: the tariff's hours are the owner's wall-clock hours. */
  localHour: number;
  token: TokenUnits;
}

/** Gross, electricity and net per hour; null when the owner entered no electricity price (nothing to subtract). */
export function netProfit(input: NetProfitInput): NetProfit | null {
  const price = priceForHour(input.electricity, input.localHour);
  if (!price) return null;
  const { power } = input;
  const base = {
    grossPerHour: input.grossPerHour.toString(),
    powerSource: power.source,
    powerBasis: power.basis,
    pricePerKwh: price.pricePerKwh,
    cheapRate: price.cheapRate,
    token: { symbol: input.token.symbol, decimals: input.token.decimals },
  };
  if (power.milliwatts === null) return { ...base, costPerHour: null, netPerHour: null, negative: false, powerW: null };
  const cost = energyCostPerHour(BigInt(power.milliwatts), price.pricePerKwh, input.token.decimals);
  const net = input.grossPerHour - cost;
  return { ...base, costPerHour: cost.toString(), netPerHour: net.toString(), negative: net < 0n, powerW: Math.round(power.milliwatts / 1000) };
}

/** Everything besides the rate that the net depends on, as core knows it now. */
export interface ProfitContext {
  gpus: readonly Gpu[];
  /** GPU id → milliwatts, read while a job ran (electron/core/earnings/power-sampler.ts). */
  measured: ReadonlyMap<string, number>;
  electricity: ElectricitySettings;
  localHour: number;
  /** The payout token; null until a network said which (no unit to turn the price into). */
  token: TokenUnits | null;
}

/** The net for an hour paid `grossPerHour` base units; null without a rate, a token or an electricity price. */
export function netProfitAt(grossPerHour: bigint | null, context: ProfitContext): NetProfit | null {
  if (grossPerHour === null || context.token === null || context.electricity.pricePerKwh === null) return null;
  const power = machinePower(context.gpus, context.measured);
  return netProfit({ grossPerHour, power, electricity: context.electricity, localHour: context.localHour, token: context.token });
}

/** An offer's price (base units per second) per hour of work. */
export function perHour(pricePerSecond: string): bigint {
  return BigInt(pricePerSecond) * 3600n;
}

/** "-0.05 OFFT" for a signed amount of base units. */
export function formatSignedAmount(baseUnits: string, token: TokenUnits): string {
  return baseUnits.startsWith('-') ? `-${formatTokenAmount(baseUnits.slice(1), token)}` : formatTokenAmount(baseUnits, token);
}

/** One line for the owner: "earns 1.2 OFFT/h, electricity 1.5 OFFT/h (300 W, measured …), net -0.3 OFFT/h". */
export function describeNetProfit(profit: NetProfit): string {
  const gross = `earns ${formatTokenAmount(profit.grossPerHour, profit.token)}/h`;
  if (profit.costPerHour === null || profit.netPerHour === null) return `${gross}; electricity cost unknown (${profit.powerBasis})`;
  const rate = profit.cheapRate ? 'cheap rate' : 'normal rate';
  const cost = `electricity ${formatTokenAmount(profit.costPerHour, profit.token)}/h (${profit.powerW} W, ${profit.powerBasis}; ${profit.pricePerKwh} ${profit.token.symbol}/kWh, ${rate})`;
  return `${gross}, ${cost}, net ${formatSignedAmount(profit.netPerHour, profit.token)}/h`;
}

/**
 * Why an offer is refused under the owner's minimum-profit rule; null when the rule is off or the offer pays.
 * The words go to the coordinator, so they leave out the owner's price and power (the owner sees them in the notice).
 */
export function unprofitableRefusal(profit: NetProfit | null, stopWhenUnprofitable: boolean): { reason: 'unprofitable'; message: string } | null {
  if (!stopWhenUnprofitable || !profit?.negative) return null;
  return { reason: 'unprofitable', message: 'This job pays less than the electricity it would use on this PC, and the owner chose to take no work at a loss.' };
}

export const UNPROFITABLE_NOTICE_ID = 'electricity-unprofitable';

export function unprofitableNotice(profit: NetProfit, stopWhenUnprofitable: boolean): Notice {
  return {
    id: UNPROFITABLE_NOTICE_ID,
    level: 'warning',
    title: 'Working costs more than it earns',
    message: `At your electricity price this PC loses money while it works: ${describeNetProfit(profit)}.`,
    nextStep: stopWhenUnprofitable
      ? 'Offhours takes no new work while this lasts. Check your electricity price in Settings.'
      : 'Check your electricity price in Settings, or turn on "stop when unprofitable" to take no work at a loss.',
  };
}

/**
 * The notices after the net changed: the warning appears when the net turns negative and goes when it stops being
 * negative. In between it is left alone, so an owner who dismissed it is not nagged at every new power reading.
 */
export function noticesForProfit(notices: readonly Notice[], before: NetProfit | null, after: NetProfit | null, stopWhenUnprofitable: boolean): Notice[] {
  const wasNegative = before?.negative ?? false;
  const isNegative = after?.negative ?? false;
  if (!wasNegative && isNegative) return [...notices.filter((n) => n.id !== UNPROFITABLE_NOTICE_ID), unprofitableNotice(after!, stopWhenUnprofitable)];
  if (wasNegative && !isNegative) return notices.filter((n) => n.id !== UNPROFITABLE_NOTICE_ID);
  return [...notices];
}
