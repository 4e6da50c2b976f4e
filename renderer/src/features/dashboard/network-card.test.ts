import { describe, expect, it } from 'vitest';
import { initialNetworkSlice, type NetworkSlice } from '../../../../protocol/state.js';
import { formatBaseUnits } from '../../../../protocol/network-format.js';
import { sourceLabel } from '../jobs/format.js';
import { networkCardView } from './network-card.js';

const connected: NetworkSlice = {
  ...initialNetworkSlice('embedded'),
  url: 'http://127.0.0.1:4000',
  connection: 'connected',
  message: 'Connected to Local test network',
  network: { coordinatorId: 'c', name: 'Local test network', kind: 'local-test', tokenHasValue: false, tokenSymbol: 'OFFT', tokenDecimals: 6, acceptsSoftwareAdapters: true },
  providerId: 'prov-1',
  enrolled: true,
  standing: {
    providerId: 'prov-1',
    benchmark: { state: 'passed', throughputMilliGflops: 12_345, demo: true, failureReason: null, message: null, at: null },
    ratePerHour: '1500000',
    reputation: { score: 640, rules: [{ rule: 'uptime', description: 'Online 97 % of the time', value1000: 970, points: 300, weight: 400 }] },
  },
};

describe('networkCardView', () => {
  it('shows the network plainly, with its numbers', () => {
    const view = networkCardView(connected, 0);
    expect(view).toMatchObject({ tone: 'ok', badge: 'Connected', network: 'Local test network — its tokens have no value', nextStep: null });
    expect(Object.fromEntries(view.facts.map((f) => [f.id, f.value]))).toEqual({
      provider: 'prov-1',
      benchmark: 'passed at the demo rate (software graphics, no real GPU)',
      throughput: '12.3 GFLOPS',
      rate: '1.5 OFFT per hour of work',
      reputation: '640 / 1000',
    });
  });
  it('counts down to the next try while unreachable and says nothing needs doing', () => {
    const down: NetworkSlice = { ...connected, connection: 'unreachable', message: 'Network unreachable, retrying in 8 s', nextRetryAt: new Date(10_000).toISOString(), enrolled: false };
    const view = networkCardView(down, 4_500);
    expect(view.headline).toBe('Network unreachable, retrying in 6 s');
    expect(view.tone).toBe('bad');
    expect(view.nextStep).toMatch(/restarts the local test network and reconnects by itself/);
    expect(networkCardView(down, 11_000).headline).toBe('Network unreachable, retrying now…');
  });
  it('says how to join a network when it is off', () => {
    const view = networkCardView({ ...initialNetworkSlice('off'), message: 'Not connected to any network' }, 0);
    expect(view.facts).toEqual([]);
    expect(view.nextStep).toMatch(/restart Offhours/);
  });
  it('formats base units without floats', () => {
    expect(formatBaseUnits('0', 6)).toBe('0');
    expect(formatBaseUnits('5', 6)).toBe('0.000005');
    expect(formatBaseUnits('123456789', 3)).toBe('123456.789');
    expect(formatBaseUnits('1000', 0)).toBe('1000');
  });
  it('names where a job came from', () => {
    expect(sourceLabel('network')).toMatch(/paid/);
    expect(sourceLabel('local')).toMatch(/not paid/);
  });
});
