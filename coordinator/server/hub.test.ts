import { describe, expect, it } from 'vitest';
import { ProviderHub, type ConnectedProvider } from './hub.js';

const WALLET = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
const OTHER_WALLET = 'So11111111111111111111111111111111111111112';

/** A connection that counts the earnings refreshes it was asked for. */
function connection(providerId: string, payoutAddress: string): ConnectedProvider & { refreshed: number; superseded: boolean } {
  return {
    providerId,
    payoutAddress,
    refreshed: 0,
    superseded: false,
    deliverOffer: () => {},
    sendOffer: () => {},
    withdrawOffer: () => {},
    cancelJob: () => {},
    refreshStanding: () => {},
    refreshEarnings() {
      this.refreshed += 1;
    },
    supersede() {
      this.superseded = true;
    },
  };
}

function hubWithLookup(addresses: Record<string, string>) {
  const lookups: string[] = [];
  const hub = new ProviderHub({ payoutAddressOf: async (providerId) => (lookups.push(providerId), addresses[providerId] ?? null) });
  return { hub, lookups };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ProviderHub and shared wallets', () => {
  it("a provider's money moving refreshes it and the others of its wallet here, not other wallets, without a lookup", async () => {
    const { hub, lookups } = hubWithLookup({});
    const [a, b, c, none] = [connection('a', WALLET), connection('b', WALLET), connection('c', OTHER_WALLET), connection('n', '')];
    [a, b, c, none].forEach((each) => hub.attach(each));
    hub.dispatch({ kind: 'earnings', providerId: 'a' });
    await settled();
    expect([a.refreshed, b.refreshed, c.refreshed, none.refreshed]).toEqual([1, 1, 0, 0]);
    expect(lookups).toEqual([]);
  });

  it('a wallet event refreshes only the others of that wallet (the provider itself already knows)', () => {
    const { hub } = hubWithLookup({});
    const [a, b, c] = [connection('a', WALLET), connection('b', WALLET), connection('c', OTHER_WALLET)];
    [a, b, c].forEach((each) => hub.attach(each));
    hub.dispatch({ kind: 'wallet-earnings', providerId: 'a', payoutAddress: WALLET });
    expect([a.refreshed, b.refreshed, c.refreshed]).toEqual([0, 1, 0]);
  });

  it('looks up the wallet of a provider connected elsewhere only when some provider here has a wallet', async () => {
    const { hub, lookups } = hubWithLookup({ away: WALLET });
    hub.dispatch({ kind: 'earnings', providerId: 'away' });
    await settled();
    expect(lookups).toEqual([]);
    const b = connection('b', WALLET);
    const c = connection('c', OTHER_WALLET);
    hub.attach(b);
    hub.attach(c);
    hub.dispatch({ kind: 'earnings', providerId: 'away' });
    await settled();
    expect(lookups).toEqual(['away']);
    expect([b.refreshed, c.refreshed]).toEqual([1, 0]);
  });

  it('a superseded or detached connection leaves its wallet', () => {
    const { hub } = hubWithLookup({});
    const old = connection('a', WALLET);
    const peer = connection('b', WALLET);
    hub.attach(old);
    hub.attach(peer);
    const newer = connection('a', OTHER_WALLET);
    hub.attach(newer);
    expect(old.superseded).toBe(true);
    hub.dispatch({ kind: 'wallet-earnings', providerId: 'x', payoutAddress: WALLET });
    expect([old.refreshed, peer.refreshed, newer.refreshed]).toEqual([0, 1, 0]);
    hub.detach(peer);
    hub.dispatch({ kind: 'wallet-earnings', providerId: 'x', payoutAddress: WALLET });
    expect(peer.refreshed).toBe(1);
  });

  it('a failed lookup is logged, not thrown', async () => {
    const logged: string[] = [];
    const hub = new ProviderHub({ payoutAddressOf: () => Promise.reject(new Error('database down')), log: (message) => logged.push(message) });
    hub.attach(connection('b', WALLET));
    hub.dispatch({ kind: 'earnings', providerId: 'away' });
    await settled();
    expect(logged).toEqual(['looking up a payout address for its wallet failed']);
  });
});
