import { describe, expect, it } from 'vitest';
import { initialNetworkSlice, type NetworkSlice } from '../../../protocol/state.js';
import { formatNetwork } from './network.js';

describe('offhours network (text)', () => {
  it('says what is wrong and what happens next while unreachable', () => {
    const slice: NetworkSlice = { ...initialNetworkSlice('embedded'), connection: 'unreachable', message: 'Network unreachable, retrying in 4 s', url: 'http://127.0.0.1:4000', providerId: 'prov-1', lastConnectedAt: '2026-01-01T00:00:00.000Z' };
    const text = formatNetwork(slice);
    expect(text.split('\n')[0]).toBe('Network unreachable, retrying in 4 s');
    expect(text).toContain('Next: Nothing to do: Offhours restarts the local test network');
    expect(text).toContain('Network:     Local test network — its tokens have no value (http://127.0.0.1:4000)');
    expect(text).toContain('Provider:    prov-1');
    expect(text).toContain('Last connected: 2026-01-01T00:00:00.000Z');
  });
  it('lists each reputation rule with its contribution', () => {
    const slice: NetworkSlice = {
      ...initialNetworkSlice('remote'),
      connection: 'connected',
      message: 'Connected to Offhours mainnet',
      enrolled: true,
      providerId: 'p',
      standing: { providerId: 'p', benchmark: { state: 'passed', throughputMilliGflops: 2_500_000, demo: false, failureReason: null, message: null, at: null }, ratePerHour: '42', reputation: { score: 500, rules: [{ rule: 'yields', description: 'Gave the PC back at once 12 times', value1000: 1000, points: 200, weight: 200 }] } },
    };
    const text = formatNetwork(slice);
    expect(text).toContain('Measured:    2.5 TFLOPS');
    expect(text).toContain('Rate:        42 base units per hour of work');
    expect(text).toContain('Reputation:  500 / 1000');
    expect(text).toContain('+200 of 200  Gave the PC back at once 12 times');
  });
  it('says how to join when the network is off', () => {
    expect(formatNetwork({ ...initialNetworkSlice('off'), message: 'Not connected to any network' })).toMatch(/^Not connected to any network\n {2}Next: Set network.coordinator/);
  });
});

describe('offhours headless --network', () => {
  it('takes off, embedded or a coordinator URL, and refuses anything else with what it takes', async () => {
    const { parseNetworkFlag } = await import('./headless.js');
    expect(parseNetworkFlag(undefined)).toBeUndefined();
    expect(parseNetworkFlag('off')).toEqual({ kind: 'off' });
    expect(parseNetworkFlag('embedded')).toEqual({ kind: 'embedded' });
    expect(parseNetworkFlag('http://127.0.0.1:4000/')).toEqual({ kind: 'remote', url: 'http://127.0.0.1:4000' });
    expect(() => parseNetworkFlag('http://coordinator.example.com')).toThrow(/--network takes off, embedded or a coordinator URL/);
  });
});
