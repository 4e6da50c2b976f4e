import { z } from 'zod';

/** The scheduler's one answer to "may this PC work right now?". */
export const AvailabilityKindSchema = z.enum(['off', 'waiting', 'available', 'working', 'yielding', 'cooling']);
export type AvailabilityKind = z.infer<typeof AvailabilityKindSchema>;

/** Why the scheduler is where it is; stable codes for the UI, tray and logs. */
export const AvailabilityReasonSchema = z.enum([
  'paused',
  'starting',
  'engine-down',
  'network-down',
  'game-running',
  'foreign-gpu',
  'owner-active',
  'on-battery',
  'outside-hours',
  'gpu-hot',
  'owner-away',
  'dedicated-rig',
]);
export type AvailabilityReason = z.infer<typeof AvailabilityReasonSchema>;

export const AvailabilitySchema = z.object({
  state: AvailabilityKindSchema,
  reason: AvailabilityReasonSchema,
  /** Extra words for the reason (the game's name, the temperature). */
  detail: z.string().nullable(),
  /** ISO time this state began. */
  since: z.string(),
  /** ISO time the reason is expected to end (idle countdown, window start, pause end), when known. */
  until: z.string().nullable(),
  jobId: z.string().nullable(),
  /** Plain words for "right now", e.g. "Waiting: you are using the PC". */
  now: z.string(),
  /** Plain words for what happens next, e.g. "Available from 23:00 — you chose those hours". */
  next: z.string().nullable(),
});
export type Availability = z.infer<typeof AvailabilitySchema>;

/** One transition of the scheduler, with its cause; also the event the network link consumes. */
export const AvailabilityTransitionSchema = z.object({
  at: z.string(),
  from: AvailabilityKindSchema,
  to: AvailabilityKindSchema,
  reason: AvailabilityReasonSchema,
  cause: z.string(),
});
export type AvailabilityTransition = z.infer<typeof AvailabilityTransitionSchema>;

/** What the preemption controller did to the job; the coordinator link reports these upstream. */
export const PreemptionEventSchema = z.object({
  at: z.string(),
  jobId: z.string(),
  action: z.enum(['frozen', 'thawed', 'stopped', 'failed']),
  reason: z.string(),
  /** Milliseconds from the sample that decided it to the engine confirming it. */
  latencyMs: z.number().nonnegative(),
});
export type PreemptionEvent = z.infer<typeof PreemptionEventSchema>;

export const PauseRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('for'), minutes: z.number().int().min(1).max(7 * 24 * 60) }),
  z.object({ kind: z.literal('until-tomorrow') }),
  z.object({ kind: z.literal('until-resume') }),
]);
export type PauseRequest = z.infer<typeof PauseRequestSchema>;
