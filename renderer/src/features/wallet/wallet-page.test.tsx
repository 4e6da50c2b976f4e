import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ProviderApi } from '../../../../protocol/api.js';
import { initialEarningsSlice, type ProviderState } from '../../../../protocol/state.js';
import { initialWalletSlice, type WalletSlice } from '../../../../protocol/wallet.js';
import { AppStoreContext, createAppStore } from '../../stores/app-store.js';
import { WalletPage } from './WalletPage.js';

const ADDRESS = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';

/** The page as first drawn for a snapshot (no DOM here: the markup carries the test ids the e2e tests use). */
function render(wallet: WalletSlice): string {
  const store = createAppStore({} as ProviderApi);
  store.getState().applySnapshot({ revision: 1, wallet, earnings: initialEarningsSlice(), network: { network: null } } as unknown as ProviderState);
  // Server rendering reads a store's initial state: hand it the state with the snapshot in it.
  const withSnapshot = { ...store, getInitialState: store.getState };
  return renderToStaticMarkup(
    <AppStoreContext.Provider value={withSnapshot}>
      <WalletPage />
    </AppStoreContext.Provider>,
  );
}

describe('Wallet page', () => {
  it('offers to paste or create when no wallet is set', () => {
    const html = render(initialWalletSlice());
    expect(html).toContain('data-testid="wallet-set-input"');
    expect(html).toContain('data-testid="wallet-create"');
    expect(html).not.toContain('data-testid="wallet-address"');
    expect(html).not.toContain('data-testid="wallet-backup-reminder"');
  });

  it('shows the address, the balances and the backup reminder for a wallet created here, never a secret', () => {
    const html = render({ ...initialWalletSlice(ADDRESS), createdHere: true, createdAddress: ADDRESS, backedUp: false, token: { symbol: 'OFFT', decimals: 6 }, balances: { lamports: '2000000000', tokenBaseUnits: '1500000', fetchedAt: '2026-05-01T12:00:00.000Z', refreshing: false, error: null } });
    expect(html).toMatch(new RegExp(`data-testid="wallet-address"[^>]*>${ADDRESS}<`));
    expect(html).toMatch(/data-testid="wallet-sol-balance"[^>]*>2 SOL</);
    expect(html).toMatch(/data-testid="wallet-token-balance"[^>]*>1.5 OFFT</);
    expect(html).toContain('data-testid="wallet-backup-reminder"');
    expect(html).not.toContain('data-testid="wallet-secret"');
  });
});
