import type { NetProfit } from '../../../../protocol/net-profit.js';
import { formatTokenAmount } from '../../../../protocol/network-format.js';

/** What the Earnings page shows for an hour of work: gross, electricity, net, and where the watts came from. */
export interface ProfitView {
  gross: string;
  /** "0.06 USDC" or "unknown" when no power figure exists. */
  cost: string;
  /** "-0.054 USDC" / "0.012 USDC", or "unknown". */
  net: string;
  negative: boolean;
  /** "300 W, measured by nvidia-smi while a job ran; 0.3 USDC/kWh (normal rate)". */
  basis: string;
  estimate: boolean;
}

function signed(baseUnits: string, token: NetProfit['token']): string {
  return baseUnits.startsWith('-') ? `-${formatTokenAmount(baseUnits.slice(1), token)}` : formatTokenAmount(baseUnits, token);
}

export function profitView(profit: NetProfit): ProfitView {
  const { token } = profit;
  const rate = `${profit.pricePerKwh} ${token.symbol}/kWh (${profit.cheapRate ? 'your cheap rate' : 'normal rate'})`;
  const power = profit.powerW === null ? profit.powerBasis : `${profit.powerW} W, ${profit.powerBasis}`;
  return {
    gross: formatTokenAmount(profit.grossPerHour, token),
    cost: profit.costPerHour === null ? 'unknown' : formatTokenAmount(profit.costPerHour, token),
    net: profit.netPerHour === null ? 'unknown' : signed(profit.netPerHour, token),
    negative: profit.negative,
    basis: `${power}; ${rate}`,
    estimate: profit.powerSource !== 'measured',
  };
}
