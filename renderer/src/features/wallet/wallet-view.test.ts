import { describe, expect, it } from 'vitest';
import { initialWalletSlice, type WalletSlice } from '../../../../protocol/wallet.js';
import { addressInputError, walletView } from './wallet-view.js';

const ADDRESS = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
const devnet: WalletSlice = {
  ...initialWalletSlice(ADDRESS),
  createdHere: true,
  createdAddress: ADDRESS,
  backedUp: false,
  chain: { cluster: 'devnet', rpcUrl: 'https://api.devnet.solana.com', mint: 'So11111111111111111111111111111111111111112', explorerAddressUrl: 'https://explorer.solana.com/address/{address}?cluster=devnet', explorerTxUrl: null },
  token: { symbol: 'OFFT', decimals: 6 },
  balances: { lamports: '1500000000', tokenBaseUnits: '2500000', fetchedAt: '2026-05-01T12:00:00.000Z', refreshing: false, error: null },
};

describe('Wallet page view', () => {
  it('shows the address, where it came from, the explorer, the balances and the backup reminder', () => {
    const view = walletView(devnet);
    expect(view).toMatchObject({ address: ADDRESS, origin: 'Created on this PC', explorer: `https://explorer.solana.com/address/${ADDRESS}?cluster=devnet`, sol: '1.5 SOL', token: '2.5 OFFT', tokenLabel: 'OFFT', canExport: true });
    expect(view.reminder).toMatch(/^Back up this wallet now/);
    expect(walletView({ ...devnet, backedUp: true }).reminder).toBeNull();
  });

  it('says why there are no figures yet', () => {
    expect(walletView(initialWalletSlice()).balanceNote).toBe('Balances show once a valid payout address is set.');
    expect(walletView({ ...devnet, chain: null }).balanceNote).toMatch(/once a network says/);
    expect(walletView({ ...devnet, balances: { ...devnet.balances, lamports: null, tokenBaseUnits: null, fetchedAt: null } })).toMatchObject({ sol: 'not read yet', balanceNote: 'Not read yet.' });
  });

  it('explains a typed address that is not one', () => {
    expect(addressInputError(ADDRESS)).toBeNull();
    expect(addressInputError('abcd efgh')).toMatch(/contains a space \(character 5\).*Copy the receiving address again/);
  });
});
