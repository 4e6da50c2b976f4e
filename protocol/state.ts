import { AvailabilitySchema } from './availability.js';
import { z } from 'zod';
import { GpuInventorySchema } from './gpu.js';
import { JobSliceSchema } from './job-spec.js';
import { NetworkInfoSchema, ProviderStandingSchema } from './network.js';

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
/**
 * The link to the network (electron/core/network): which coordinator, whether we are connected and why not,
 * and the coordinator's view of this provider. `offhours network --json` prints exactly this.
 */
export const NetworkSliceSchema = z.object({
  /** 'embedded': a local coordinator and local Solana started by the app; 'remote': a configured URL; 'off': no network. */
  mode: z.enum(['embedded', 'remote', 'off']),
  /** The coordinator's base URL, once known (the embedded one picks its port at start). */
  url: z.string().nullable(),
  connection: z.enum(['off', 'starting', 'connecting', 'connected', 'unreachable', 'refused']),
  /** Plain words for the connection state, e.g. "Network unreachable, retrying in 8 s". */
  message: z.string(),
  /** When the next reconnect attempt is due (ISO), while unreachable. */
  nextRetryAt: z.string().nullable(),
  network: NetworkInfoSchema.nullable(),
  providerId: z.string().nullable(),
  sessionId: z.string().nullable(),
  enrolled: z.boolean(),
  standing: ProviderStandingSchema.nullable(),
  lastConnectedAt: z.string().nullable(),
});
export type NetworkSlice = z.infer<typeof NetworkSliceSchema>;

export function initialNetworkSlice(mode: NetworkSlice['mode'] = 'off'): NetworkSlice {
  return { mode, url: null, connection: mode === 'off' ? 'off' : 'starting', message: mode === 'off' ? 'Not connected to any network' : 'Starting', nextRetryAt: null, network: null, providerId: null, sessionId: null, enrolled: false, standing: null, lastConnectedAt: null };
}

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
  /** The coordinator link (electron/core/network). */
  network: NetworkSliceSchema,
});
export type ProviderState = z.infer<typeof ProviderStateSchema>;
