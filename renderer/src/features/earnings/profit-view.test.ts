import { describe, expect, it } from 'vitest';
import type { NetProfit } from '../../../../protocol/net-profit.js';
import { profitView } from './profit-view.js';

const base: NetProfit = {
  grossPerHour: '36000', costPerHour: '90000', netPerHour: '-54000', negative: true, powerSource: 'measured', powerW: 300,
  powerBasis: 'measured by nvidia-smi while a job ran', pricePerKwh: '0.30', cheapRate: false, token: { symbol: 'USDC', decimals: 6 },
};

describe('profit view', () => {
  it('shows gross, electricity and a negative net in token units', () => {
    expect(profitView(base)).toEqual({
      gross: '0.036 USDC', cost: '0.09 USDC', net: '-0.054 USDC', negative: true, estimate: false,
      basis: '300 W, measured by nvidia-smi while a job ran; 0.30 USDC/kWh (normal rate)',
    });
  });

  it('marks estimates and says "unknown" when there is nothing to go on', () => {
    expect(profitView({ ...base, powerSource: 'estimate', powerBasis: 'estimate: typical board power of the GeForce RTX 4070' }).estimate).toBe(true);
    const unknown = profitView({ ...base, costPerHour: null, netPerHour: null, negative: false, powerSource: 'unknown', powerW: null, powerBasis: 'no graphics card found', cheapRate: true });
    expect(unknown).toMatchObject({ cost: 'unknown', net: 'unknown', negative: false, basis: 'no graphics card found; 0.30 USDC/kWh (your cheap rate)' });
  });
});
