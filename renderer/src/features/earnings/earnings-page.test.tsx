import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ProviderApi } from '../../../../protocol/api.js';
import type { EarningsTick } from '../../../../protocol/earnings-stats.js';
import type { NetProfit } from '../../../../protocol/net-profit.js';
import { initialEarningsSlice, initialNetworkSlice, type EarningsSlice, type NetworkSlice, type ProviderState } from '../../../../protocol/state.js';
import { AppStoreContext, createAppStore } from '../../stores/app-store.js';
import { EarningsPage } from './EarningsPage.js';

const TOKEN = { symbol: 'OFFT', decimals: 6 };
const earned: EarningsSlice = {
  ...initialEarningsSlice(),
  token: TOKEN,
  summary: { pending: '0', payable: '1500', inFlight: '0', paid: '3000000', nextPayoutAt: null },
  daily: [{ day: '2026-11-30', amount: '3001500', seconds: 120, runs: 2 }],
};
const connected: NetworkSlice = { ...initialNetworkSlice('embedded'), connection: 'connected', message: 'Connected to Local test network' };

/** The page as first drawn for a state (no DOM: the markup carries what the owner reads and the e2e test ids). */
function render(patch: { earnings?: EarningsSlice; network?: NetworkSlice; profit?: NetProfit | null; tick?: EarningsTick }): string {
  const store = createAppStore({} as ProviderApi);
  store.getState().applySnapshot({ revision: 1, earnings: patch.earnings ?? earned, network: patch.network ?? connected, profit: patch.profit ?? null, availability: null } as unknown as ProviderState);
  if (patch.tick) store.getState().applyTick(patch.tick);
  const withSnapshot = { ...store, getInitialState: store.getState };
  return renderToStaticMarkup(
    <AppStoreContext.Provider value={withSnapshot}>
      <EarningsPage />
    </AppStoreContext.Provider>,
  );
}

const negative: NetProfit = { grossPerHour: '3600000', costPerHour: '170000000', netPerHour: '-166400000', negative: true, powerSource: 'estimate', powerW: 170, powerBasis: 'the card’s power limit (estimate)', pricePerKwh: '1000', cheapRate: false, token: TOKEN };

describe('Earnings page states', () => {
  it('empty: says how earnings arrive instead of showing zeros, and offers no export', () => {
    const html = render({ earnings: initialEarningsSlice() });
    expect(html).toContain('data-testid="earnings-empty"');
    expect(html).toContain('data-live="idle"');
    expect(html).not.toContain('data-testid="export-csv"');
  });

  it('working: the live card shows the run counting up, and today includes it', () => {
    const at = new Date().toISOString();
    const day = `${new Date().getFullYear()}-${String(new Date().getMonth() + 1).padStart(2, '0')}-${String(new Date().getDate()).padStart(2, '0')}`;
    const html = render({ earnings: { ...earned, daily: [{ day, amount: '1000000', seconds: 60, runs: 1 }] }, tick: { at, jobId: 'job-7', earning: true, runSeconds: 65, runEarned: '65000', ratePerSecond: '1000', today: '1065000', day } });
    expect(html).toContain('data-live="earning"');
    expect(html).toMatch(/data-testid="live-amount"[^>]*>\+0\.065 OFFT</);
    expect(html).toMatch(/data-testid="period-today"[^>]*>1\.065 OFFT</);
    expect(html).toContain('Job job-7 · 1 min 05 s of work');
    expect(html).toContain('data-testid="export-csv"');
    expect(html).toContain('data-testid="daily-chart"');
  });

  it('negative margin: the net per hour is below zero and the page says so in plain words', () => {
    const html = render({ profit: negative });
    expect(html).toMatch(/data-testid="profit-net"[^>]*>-166\.4 OFFT/);
    expect(html).toContain('Work costs more than it earns at your electricity price.');
    expect(html).toContain('Electricity per hour (estimate)');
  });

  it('offline: what was recorded stays, with a line saying the figures update once the network is back', () => {
    const html = render({ network: { ...connected, connection: 'unreachable', message: 'Network unreachable, retrying in 8 s' } });
    expect(html).toContain('data-testid="earnings-offline"');
    expect(html).toContain('Offline: Network unreachable, retrying in 8 s.');
    expect(html).toContain('data-testid="earnings-summary"');
  });
});
