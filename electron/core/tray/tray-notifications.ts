/**
 * Which desktop notifications a change of state deserves, as a pure diff of two ProviderState snapshots: the first
 * job ever, a payout received, a back-off for heat, a GPU that disappeared. Everything else shows in the tray and
 * the window only. The shell shows them (if the owner allows notifications) and remembers that the first was shown.
 */
import { formatTokenAmount } from '../../../protocol/network-format.js';
import type { ProviderState } from '../../../protocol/state.js';

export type TrayNotificationKind = 'first-job' | 'payout' | 'gpu-hot' | 'gpu-lost';

export interface TrayNotification {
  kind: TrayNotificationKind;
  title: string;
  body: string;
}

export interface NotificationMemory {
  /** The once-ever "your PC started earning" was shown already (kept on disk by the shell). */
  firstJobShown: boolean;
}

function firstJob(before: ProviderState, after: ProviderState, memory: NotificationMemory): TrayNotification | null {
  if (memory.firstJobShown || before.availability?.state === 'working' || after.availability?.state !== 'working') return null;
  return { kind: 'first-job', title: 'Your PC started earning', body: 'Offhours is running paid work while you are away. It stops the moment you come back.' };
}

function paidBatchIds(state: ProviderState): Set<string> {
  return new Set(state.earnings.payouts.filter(({ payout }) => payout.state === 'paid').map(({ payout }) => payout.batchId));
}

/** Payouts that became paid between the two snapshots, summed into one message. */
function payoutReceived(before: ProviderState, after: ProviderState): TrayNotification | null {
  const known = paidBatchIds(before);
  const fresh = after.earnings.payouts.filter(({ payout }) => payout.state === 'paid' && !known.has(payout.batchId));
  if (fresh.length === 0) return null;
  const total = fresh.reduce((sum, { payout }) => sum + BigInt(payout.amount), 0n);
  const amount = formatTokenAmount(total.toString(), after.earnings.token);
  const count = fresh.length === 1 ? 'A payout' : `${fresh.length} payouts`;
  return { kind: 'payout', title: 'Payout received', body: `${count} of ${amount} reached your wallet. Offhours checks each one on chain; see the Earnings page.` };
}

function isHot(state: ProviderState): boolean {
  return state.availability?.state === 'cooling' && state.availability.reason === 'gpu-hot';
}

function pausedForHeat(before: ProviderState, after: ProviderState): TrayNotification | null {
  if (isHot(before) || !isHot(after)) return null;
  return {
    kind: 'gpu-hot',
    title: 'Paused: your graphics card is hot',
    body: `${after.availability!.now}. Work resumes by itself once it has cooled down; you can change the limit on the Schedule page.`,
  };
}

/** GPUs seen by the last detection and missing from this one (a detection still running compares nothing). */
function gpuLost(before: ProviderState, after: ProviderState): TrayNotification | null {
  if (!before.gpus || !after.gpus) return null;
  const present = new Set(after.gpus.gpus.map((gpu) => gpu.id));
  const lost = before.gpus.gpus.filter((gpu) => !present.has(gpu.id));
  if (lost.length === 0) return null;
  const names = lost.map((gpu) => gpu.name).join(', ');
  return {
    kind: 'gpu-lost',
    title: lost.length === 1 ? 'A graphics card disappeared' : 'Graphics cards disappeared',
    body: `${names} ${lost.length === 1 ? 'is' : 'are'} no longer seen, so no work runs on ${lost.length === 1 ? 'it' : 'them'}. Check the driver and the power cables, or restart the PC.`,
  };
}

/** The notifications for going from `before` to `after`; none for the very first snapshot (nothing changed yet). */
export function trayNotifications(before: ProviderState | null, after: ProviderState, memory: NotificationMemory): TrayNotification[] {
  if (!before) return [];
  const notes = [firstJob(before, after, memory), payoutReceived(before, after), pausedForHeat(before, after), gpuLost(before, after)];
  return notes.filter((note): note is TrayNotification => note !== null);
}
