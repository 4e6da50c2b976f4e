import { describe, expect, it } from 'vitest';
import { MAX_WALLET_MACHINES, SharedWalletSchema } from '../../protocol/network.js';
import { testEngines } from '../test-support/postgres-engines.js';
import type { ProviderRecord, SessionRecord } from './store.js';
import { at, deviceKey, jobRequest, readyProvider } from './test-support/fixtures.js';
import { jobStatus, MATCH, MINT, OTHER_WALLET, useStoreSuite, WALLET } from './test-support/store-suite.js';

type Ready = { provider: ProviderRecord; session: SessionRecord };

describe.each(testEngines())('the machines sharing a wallet on $name', ({ start }) => {
  const suite = useStoreSuite({ start });

  /** Ready (connected, benchmarked) but waiting, so it gets work only when a test says it is available. */
  async function provider(key: number, wallet: string, now = at(0)): Promise<Ready> {
    const ready = await readyProvider(suite.store, { key, now, availability: 'waiting' });
    await suite.store.enrolProvider({ devicePublicKey: deviceKey(key), payoutAddress: wallet, gpus: ready.provider.gpus, minPricePerGpuHour: '3600', appVersion: '0.1.0', backends: ['webgpu'] }, now);
    return ready;
  }

  /** A job at 10 a second started on `who` at `from`; it is the only available provider then. */
  async function startJob(who: Ready, from: number): Promise<string> {
    await suite.store.touchSession(who.session.sessionId, at(from), { state: 'available', reason: 'owner-away', ownerPresent: false });
    const job = await suite.store.submitJob(jobRequest({ perSecond: '10' }), 'buyer', at(from));
    const [offer] = await suite.store.matchQueuedJobs(at(from), MATCH);
    expect(offer?.providerId).toBe(who.provider.providerId);
    await suite.store.answerOffer(offer!.offerId, who.provider.providerId, true, null, at(from));
    await suite.store.recordJobStatus(jobStatus(job.jobId, who.provider.providerId, 'started'), at(from));
    return job.jobId;
  }

  async function earn(who: Ready, from: number, seconds: number): Promise<void> {
    const jobId = await startJob(who, from);
    await suite.store.recordJobStatus(jobStatus(jobId, who.provider.providerId, 'finished'), at(from + seconds));
    await suite.store.touchSession(who.session.sessionId, at(from + seconds), { state: 'waiting', reason: 'owner-active', ownerPresent: true });
  }

  it('lists every machine paid to the same address with its balances and presence, this one first, and sums them', async () => {
    const a = await provider(1, WALLET);
    const b = await provider(2, WALLET);
    const c = await provider(3, OTHER_WALLET);
    const unpaid = await provider(4, '');
    await earn(b, 1, 5); // 50 payable, then reserved into flight
    await suite.payouts.createIntent('po_1', MINT, [{ providerId: b.provider.providerId, recipient: WALLET }], 0n, at(7));
    await earn(b, 8, 2); // 20 payable
    await earn(c, 11, 9); // another wallet: never counted here
    await earn(a, 21, 3); // 30 payable
    await startJob(a, 25); // running: 40 pending at 29
    await suite.store.touchSession(a.session.sessionId, at(29));
    await suite.store.meterRunningJobs(at(29), 100);
    await suite.store.closeSession(b.session.sessionId, at(30));

    const wallet = (await suite.store.earningsOf(a.provider.providerId, 10, at(30))).wallet;
    expect(SharedWalletSchema.parse(wallet)).toEqual({
      address: WALLET,
      machines: [
        { providerId: a.provider.providerId, label: a.provider.providerId.slice(0, 10), self: true, online: true, lastSeenAt: at(29).toISOString(), pending: '40', payable: '30', inFlight: '0', paid: '0' },
        { providerId: b.provider.providerId, label: b.provider.providerId.slice(0, 10), self: false, online: false, lastSeenAt: at(10).toISOString(), pending: '0', payable: '20', inFlight: '50', paid: '0' },
      ],
      more: 0,
      total: { pending: '40', payable: '50', inFlight: '50', paid: '0' },
    });
    // Seen from the other machine: the same wallet, that one first.
    const fromB = (await suite.store.earningsOf(b.provider.providerId, 10, at(30))).wallet;
    expect(fromB?.machines.map((m) => [m.providerId, m.self])).toEqual([[b.provider.providerId, true], [a.provider.providerId, false]]);
    expect(fromB?.total).toEqual(wallet?.total);
    // Silent for longer than the session timeout: offline, though its session is still open.
    expect((await suite.store.earningsOf(b.provider.providerId, 10, at(60))).wallet?.machines[1]).toMatchObject({ providerId: a.provider.providerId, online: false });
    expect((await suite.store.earningsOf(c.provider.providerId, 10, at(30))).wallet?.machines.map((m) => m.providerId)).toEqual([c.provider.providerId]);
    expect((await suite.store.earningsOf(unpaid.provider.providerId, 10, at(30))).wallet).toBeNull();
  });

  it(`lists at most ${MAX_WALLET_MACHINES} machines, online ones first, and counts the rest in "more" and the total`, async () => {
    const self = await provider(1, WALLET);
    const online = await provider(2, WALLET, at(5));
    await earn(online, 6, 1);
    for (let key = 100; key < 100 + MAX_WALLET_MACHINES + 2; key += 1) {
      await suite.store.enrolProvider({ devicePublicKey: deviceKey(key), payoutAddress: WALLET, gpus: [], minPricePerGpuHour: '0', appVersion: '0.1.0', backends: ['webgpu'] }, at(0));
    }
    const wallet = (await suite.store.earningsOf(self.provider.providerId, 10, at(10))).wallet!;
    expect(wallet.machines).toHaveLength(MAX_WALLET_MACHINES);
    expect(wallet.more).toBe(4);
    expect(wallet.machines.slice(0, 2).map((m) => [m.providerId, m.online])).toEqual([[self.provider.providerId, true], [online.provider.providerId, true]]);
    expect(wallet.machines.slice(2).every((m) => !m.online && m.lastSeenAt === null)).toBe(true);
    expect(wallet.total.payable).toBe('10');
  });
});
