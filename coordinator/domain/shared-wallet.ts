/**
 * The shared-wallet view of an `earnings` frame (several PCs paid to one address), as pure decisions: what a
 * machine is called and how the list shrinks when a frame has no room for all of it.
 */
import type { SharedWallet } from '../../protocol/network.js';

/** Characters of a provider id kept in its label: its prefix and six random hex digits tell a few PCs apart. */
const LABEL_LENGTH = 10;

/** What the owner sees a machine called: the hello carries no machine name, so a short form of its provider id. */
export function machineLabel(providerId: string): string {
  return providerId.slice(0, LABEL_LENGTH);
}

/**
 * The wallet with only its first `keep` machines listed (never fewer than one: the frame's own machine comes
 * first); the others are counted in `more`. The total stays the whole wallet's.
 */
export function keepFirstMachines(wallet: SharedWallet, keep: number): SharedWallet {
  const kept = Math.max(1, Math.min(keep, wallet.machines.length));
  return { ...wallet, machines: wallet.machines.slice(0, kept), more: wallet.more + (wallet.machines.length - kept) };
}
