import { describe, expect, it } from 'vitest';
import type { GpuInventory } from '../../../protocol/gpu.js';
import { defaultSettings, type Settings } from '../../../protocol/settings.js';
import { ProviderCore } from '../api.js';
import type { SettingsStore } from '../ports.js';
import { FakeSocket, ManualTimers, MemoryLinkStore, MemorySigner, silentLogger } from './test-support/link-world.js';
import { ProviderStateSchema } from '../../../protocol/state.js';
import { coordinatorKey, earningsFrame, MemoryEarningsStore, networkInfo, payout, receipt, RecordedChain } from '../earnings/test-support/earnings-world.js';

class MemorySettingsStore implements SettingsStore {
  constructor(public saved: Settings = defaultSettings()) {}
  load() {
    return { settings: this.saved, quarantined: null, migratedFrom: null };
  }
  save(settings: Settings) {
    this.saved = settings;
  }
}

const NO_GPU: GpuInventory = { status: 'no-gpu', gpus: [], reason: 'none here', nextStep: 'add one', detectedAt: '2026-01-01T00:00:00.000Z' };
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function core(settings: Settings, override?: { kind: 'off' }, earnings?: { store: MemoryEarningsStore; chain: RecordedChain }) {
  const socket = new FakeSocket();
  const timers = new ManualTimers();
  const provider = new ProviderCore({
    mode: 'headless',
    appVersion: '0.0.0-test',
    dataDir: '/nonexistent',
    ports: { clock: { now: () => 0 }, logger: silentLogger, gpuProbe: { detect: async () => NO_GPU }, settingsStore: new MemorySettingsStore(settings) },
    network: { socket, signer: new MemorySigner(), store: new MemoryLinkStore(), embeddedDataDir: '/nonexistent', timers, random: () => 0, override },
    earnings: earnings ? { store: earnings.store, checker: earnings.chain, timers, random: () => 0 } : undefined,
  });
  return { provider, socket, timers };
}

describe('ProviderCore and the network link', () => {
  it('follows settings.network.coordinator, pushes the slice and re-enrols when the minimum price changes', async () => {
    const { provider, socket } = core({ ...defaultSettings(), network: { coordinator: 'http://127.0.0.1:4000', minPricePerGpuHour: '5' } });
    const pushed: string[] = [];
    provider.events.on('state', (state) => pushed.push(state.network.connection));
    await provider.start();
    expect(socket.last.url).toBe('ws://127.0.0.1:4000/v1/provider');
    expect(provider.getState().network).toMatchObject({ mode: 'remote', connection: 'connecting', url: 'http://127.0.0.1:4000' });
    socket.last.deliver({ type: 'welcome', protocolVersion: 1, coordinatorNonce: 'a'.repeat(32), serverTime: '2026-01-01T00:00:00Z', network: { coordinatorId: 'c', name: 'Local test network', kind: 'local-test', tokenHasValue: false, tokenSymbol: 'OFFT', tokenDecimals: 9, acceptsSoftwareAdapters: true } });
    await flush();
    await flush();
    expect(socket.last.of('hello')[0]!.body.minPricePerGpuHour).toBe('5');
    await provider.handlers.updateSettings({ network: { minPricePerGpuHour: '7' } });
    expect(socket.connections).toHaveLength(2);
    socket.last.deliver({ type: 'welcome', protocolVersion: 1, coordinatorNonce: 'b'.repeat(32), serverTime: '2026-01-01T00:00:00Z', network: { coordinatorId: 'c', name: 'Local test network', kind: 'local-test', tokenHasValue: false, tokenSymbol: 'OFFT', tokenDecimals: 9, acceptsSoftwareAdapters: true } });
    await flush();
    await flush();
    expect(socket.last.of('hello')[0]!.body.minPricePerGpuHour).toBe('7');
    expect(pushed).toContain('connecting');
    await provider.stop();
  });

  it('--network off wins over the settings: no connection, and the slice says how to join', async () => {
    const { provider, socket } = core(defaultSettings(), { kind: 'off' });
    await provider.start();
    expect(socket.connections).toHaveLength(0);
    expect(provider.getState().network).toMatchObject({ mode: 'off', connection: 'off' });
    expect(provider.getState().network.message).toMatch(/no paid jobs arrive/);
    await provider.stop();
  });

  it('carries the network’s earnings into ProviderState, checked, with a warning for what does not check out', async () => {
    const key = await coordinatorKey();
    const earnings = { store: new MemoryEarningsStore(), chain: new RecordedChain() };
    const { provider, socket, timers } = core({ ...defaultSettings(), network: { coordinator: 'http://127.0.0.1:4000', minPricePerGpuHour: '5' } }, undefined, earnings);
    expect(provider.getState().earnings).toMatchObject({ summary: null, receipts: [], payouts: [] });
    await provider.start();
    socket.last.deliver({ type: 'welcome', protocolVersion: 1, coordinatorNonce: 'a'.repeat(32), serverTime: '2026-01-01T00:00:00Z', network: networkInfo(key.publicKey) });
    await flush();
    await flush();
    const standing = { providerId: 'prov-1', benchmark: { state: 'none' as const, throughputMilliGflops: null, demo: false, failureReason: null, message: null, at: null }, ratePerHour: null, reputation: { score: 0, rules: [] } };
    socket.last.deliver({ type: 'enrolled', sessionId: 's-1', resumed: false, standing, keepJobIds: [] });
    const tampered = await receipt(key.signer, 2);
    socket.last.deliver(earningsFrame([await receipt(key.signer, 1), { ...tampered, body: { ...tampered.body, seconds: 1 } }], [payout(1)]));
    timers.advance(1);
    await flush();
    const state = provider.getState();
    expect(ProviderStateSchema.parse(state).earnings).toEqual(state.earnings);
    expect(state.earnings.receipts.map((r) => r.check)).toEqual(['bad-signature', 'verified']);
    expect(state.earnings.payouts.map((p) => p.chain)).toEqual(['verified']);
    expect(state.notices.map((n) => n.id)).toContain('earnings-receipts-unverified');
    expect(earnings.store.record.receipts).toHaveLength(2);
    await provider.stop();
  });
});
