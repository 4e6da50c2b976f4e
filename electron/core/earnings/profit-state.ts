/**
 * Net profit as part of ProviderState, pure: derived from the rest of the state (the network's rate for this PC,
 * its token, the GPUs) plus what only core knows (the owner's tariff, power read while working, the local hour).
 */
import type { NetProfit } from '../../../protocol/net-profit.js';
import type { TokenUnits } from '../../../protocol/network-format.js';
import type { ProviderState } from '../../../protocol/state.js';
import { netProfitAt, noticesForProfit, type ElectricitySettings } from './net-profit.js';

export interface ProfitInputs {
  electricity: ElectricitySettings;
  measured: ReadonlyMap<string, number>;
  localHour: number;
}

/** The payout token: the connected network's word first, else what the earnings book kept from the last one. */
export function tokenOf(state: Pick<ProviderState, 'network' | 'earnings'>): TokenUnits | null {
  const info = state.network.network;
  return info ? { symbol: info.tokenSymbol, decimals: info.tokenDecimals } : state.earnings.token;
}

/** The net at this PC's rate (the network's ratePerHour once benchmarked); null where it cannot be known. */
export function currentNetProfit(state: ProviderState, inputs: ProfitInputs): NetProfit | null {
  const rate = state.network.standing?.ratePerHour ?? null;
  return netProfitAt(rate === null ? null : BigInt(rate), { ...inputs, gpus: state.gpus?.gpus ?? [], token: tokenOf(state) });
}

/** `state` with its profit worked out again and the unprofitable warning raised or cleared to match. */
export function withNetProfit(state: ProviderState, inputs: ProfitInputs): ProviderState {
  const profit = currentNetProfit(state, inputs);
  if (JSON.stringify(profit) === JSON.stringify(state.profit)) return state;
  return { ...state, profit, notices: noticesForProfit(state.notices, state.profit, profit, inputs.electricity.stopWhenUnprofitable) };
}
