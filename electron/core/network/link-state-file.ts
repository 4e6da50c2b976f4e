import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { JobStatusKindSchema } from '../../../protocol/network.js';
import type { Logger } from '../ports.js';
import type { LinkStateStore, PersistedLinkState } from './ports.js';
import { STATUS_QUEUE_LIMIT } from './status-queue.js';

const QueuedSchema = z.object({
  id: z.number().int().min(0),
  jobId: z.string(),
  status: JobStatusKindSchema,
  at: z.string(),
  pull: z.object({ bytesDone: z.number().int().min(0), bytesTotal: z.number().int().min(0).nullable() }).nullable(),
  exitCode: z.number().int().nullable(),
  workedSeconds: z.number().int().min(0).nullable(),
  outputDigest: z.string().nullable(),
  message: z.string().nullable(),
  replayed: z.boolean(),
  sentSeq: z.number().int().nullable(),
});

const FileSchema = z.object({
  version: z.literal(1),
  sessionId: z.string().nullable(),
  providerId: z.string().nullable(),
  lastSeq: z.number().int().min(0),
  pending: z.array(QueuedSchema).max(STATUS_QUEUE_LIMIT),
  activeJobIds: z.array(z.string()).max(64),
});

export function emptyLinkState(): PersistedLinkState {
  return { sessionId: null, providerId: null, lastSeq: 0, pending: [], activeJobIds: [] };
}

/**
 * <data dir>/network-link.json: small, rewritten whole (write + rename, so a crash leaves the old or the new
 * file, never half of one). An unreadable file starts the link fresh: the coordinator then treats the
 * provider as a new session, and an unacknowledged status at worst is lost, never invented.
 */
export class LinkStateFile implements LinkStateStore {
  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {}

  load(): PersistedLinkState {
    if (!existsSync(this.file)) return emptyLinkState();
    try {
      const { version: _version, ...state } = FileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
      return state;
    } catch (error) {
      this.logger.warn('the network link state file is unreadable; starting fresh', { file: this.file, error: String(error) });
      return emptyLinkState();
    }
  }

  save(state: PersistedLinkState): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify({ version: 1, ...state }), { mode: 0o600 });
    renameSync(temp, this.file);
  }
}
