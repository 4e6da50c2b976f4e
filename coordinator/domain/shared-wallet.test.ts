import { describe, expect, it } from 'vitest';
import type { SharedWallet, WalletMachine } from '../../protocol/network.js';
import { keepFirstMachines, machineLabel } from './shared-wallet.js';

function machine(n: number): WalletMachine {
  return { providerId: `prv_${n}`, label: `prv_${n}`, self: n === 0, online: true, lastSeenAt: null, pending: '0', payable: String(n), inFlight: '0', paid: '0' };
}

const wallet: SharedWallet = {
  address: '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T',
  machines: [0, 1, 2, 3].map(machine),
  more: 2,
  total: { pending: '0', payable: '99', inFlight: '0', paid: '0' },
};

describe('shared wallet', () => {
  it('labels a machine with the start of its provider id', () => {
    expect(machineLabel('prv_0123456789abcdef01234567')).toBe('prv_012345');
    expect(machineLabel('p1')).toBe('p1');
  });

  it('keeps the first machines, counts the rest in "more", and leaves the total alone', () => {
    expect(keepFirstMachines(wallet, 2)).toEqual({ ...wallet, machines: [machine(0), machine(1)], more: 4 });
    expect(keepFirstMachines(wallet, 10)).toEqual(wallet);
  });

  it('never drops the first machine (the frame is about it)', () => {
    expect(keepFirstMachines(wallet, 0)).toEqual({ ...wallet, machines: [machine(0)], more: 5 });
  });
});
