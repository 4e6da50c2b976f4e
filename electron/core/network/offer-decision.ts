import type { AvailabilityKind } from '../../../protocol/availability.js';
import type { NetProfit } from '../../../protocol/net-profit.js';
import { unprofitableRefusal } from '../earnings/net-profit.js';

export interface OfferContext {
  /** The scheduler's state right now (null before its first sample). */
  availability: AvailabilityKind | null;
  /** The id of the job on this machine, if any (any source: the owner's test job occupies the GPU too). */
  runningJobId: string | null;
  /** True while another offer is being started (between accept and the runner taking it). */
  starting: boolean;
  enrolled: boolean;
  nowMs: number;
  deadlineMs: number;
  /**
   * The offer's net per hour after electricity (null: no price entered or nothing to go on) and whether the owner
   * asked to take no work at a loss. Absent: no profit rule.
   */
  profit?: { estimate: NetProfit | null; stopWhenUnprofitable: boolean };
}

export type OfferDecision = { accept: true } | { accept: false; reason: string; message: string };

/**
 * Whether to take an offer. The scheduler is the only judge of "may this PC work": we accept only when it
 * says available and nothing runs; and, only if the owner opted in, when the offer pays more than the electricity
 * it burns. The hardened runner then judges the spec itself (a refusal becomes a decline).
 */
export function decideOffer(context: OfferContext): OfferDecision {
  if (!context.enrolled) return { accept: false, reason: 'not-enrolled', message: 'This provider is not enrolled in this session yet.' };
  if (context.nowMs > context.deadlineMs) return { accept: false, reason: 'deadline-passed', message: 'The offer arrived after its deadline.' };
  if (context.runningJobId !== null || context.starting) {
    return { accept: false, reason: 'busy', message: context.runningJobId ? `Job ${context.runningJobId} is running on this machine.` : 'Another job is starting on this machine.' };
  }
  if (context.availability !== 'available') {
    return { accept: false, reason: 'not-available', message: `The owner's schedule does not allow work right now (${context.availability ?? 'starting'}).` };
  }
  const unprofitable = context.profit ? unprofitableRefusal(context.profit.estimate, context.profit.stopWhenUnprofitable) : null;
  if (unprofitable) return { accept: false, ...unprofitable };
  return { accept: true };
}
