import { AvailabilitySchema } from './availability.js';
import { z } from 'zod';
import { GpuInventorySchema } from './gpu.js';
import { JobSliceSchema } from './job-spec.js';

export const NoticeSchema = z.object({
  id: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  title: z.string(),
  message: z.string(),
  nextStep: z.string().nullable(),
});
export type Notice = z.infer<typeof NoticeSchema>;

/**
 * Everything the UI and the tray show, owned by core and pushed on every change.
 * The renderer mirrors it and never edits it.
 */
export const ProviderStateSchema = z.object({
  /** Increases on every change, so a client can drop out-of-order snapshots. */
  revision: z.number().int().nonnegative(),
  mode: z.enum(['desktop', 'headless']),
  appVersion: z.string(),
  dataDir: z.string(),
  /** Null until the first detection finishes. */
  gpus: GpuInventorySchema.nullable(),
  detectingGpus: z.boolean(),
  notices: z.array(NoticeSchema),
  /** The container engine, the job on this machine now, and recent jobs (electron/core/jobs). */
  job: JobSliceSchema,
  /** The availability scheduler: state, reason and the plain right-now/next sentence (electron/core/schedule). Null until its first sample. */
  availability: AvailabilitySchema.nullable(),
});
export type ProviderState = z.infer<typeof ProviderStateSchema>;
