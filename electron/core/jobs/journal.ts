import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JobOutcomeKind, JobPhase, JobSpec } from '../../../protocol/job-spec.js';

/**
 * The job journal: append-only JSON lines, fsynced one by one, so that what happened before a crash (even a
 * SIGKILL or a power cut) is on disk. Reconcile and the "recent jobs" list are folded from it.
 */
/** How a job ended, as the runner reports it and the journal records it. */
export interface JobResult {
  jobId: string;
  outcome: JobOutcomeKind;
  exitCode: number | null;
  workedMs: number;
  outputDigest: string | null;
  reason: string | null;
}

export type JournalEntry =
  | { type: 'accepted'; at: number; jobId: string; spec: JobSpec; specHash: string; source: 'local' | 'network' }
  | { type: 'image-pulling'; at: number; jobId: string; ref: string }
  | { type: 'image'; at: number; jobId: string; ref: string; imageId: string; sizeBytes: number; pulledByUs: boolean }
  | { type: 'container'; at: number; jobId: string; containerId: string }
  | { type: 'phase'; at: number; jobId: string; phase: JobPhase }
  | { type: 'work'; at: number; jobId: string; workedMs: number }
  | { type: 'parked'; at: number; jobId: string; workedMs: number }
  | { type: 'adopted'; at: number; jobId: string }
  | ({ type: 'finished'; at: number } & JobResult)
  | { type: 'image-used'; at: number; imageId: string }
  | { type: 'image-removed'; at: number; imageId: string };

export interface JournaledJob {
  jobId: string;
  spec: JobSpec;
  specHash: string;
  source: 'local' | 'network';
  acceptedAt: number;
  containerId: string | null;
  /** An image download this job began (the image was not on the machine before), until it was recorded. */
  pullingRef: string | null;
  phase: JobPhase | null;
  workedMs: number;
  /** Left frozen on purpose at a clean quit, to be adopted on the next start. */
  parked: boolean;
  finished: Extract<JournalEntry, { type: 'finished' }> | null;
}

export interface CachedImage {
  imageId: string;
  ref: string;
  sizeBytes: number;
  lastUsedAt: number;
  /** Only images we pulled ourselves may ever be evicted. */
  pulledByUs: boolean;
  removed: boolean;
}

export interface JournalFold {
  jobs: Map<string, JournaledJob>;
  images: Map<string, CachedImage>;
}

/** Pure: replays entries in order. Unknown or malformed entries are skipped. */
export function foldJournal(entries: JournalEntry[]): JournalFold {
  const fold: JournalFold = { jobs: new Map(), images: new Map() };
  for (const entry of entries) applyEntry(fold, entry);
  return fold;
}

/** Applies one entry to a fold in place (the journal keeps its fold current this way, O(1) per append). */
export function applyEntry({ jobs, images }: JournalFold, entry: JournalEntry): void {
  switch (entry.type) {
    case 'accepted':
      jobs.set(entry.jobId, {
        jobId: entry.jobId,
        spec: entry.spec,
        specHash: entry.specHash,
        source: entry.source,
        acceptedAt: entry.at,
        containerId: null,
        pullingRef: null,
        phase: 'queued',
        workedMs: 0,
        parked: false,
        finished: null,
      });
      break;
    case 'image': {
      const owner = jobs.get(entry.jobId);
      if (owner && owner.pullingRef === entry.ref) owner.pullingRef = null;
      const known = images.get(entry.imageId);
      images.set(entry.imageId, {
        imageId: entry.imageId,
        ref: entry.ref,
        sizeBytes: entry.sizeBytes,
        lastUsedAt: entry.at,
        pulledByUs: (known?.pulledByUs && !known.removed) || entry.pulledByUs,
        removed: false,
      });
      break;
    }
    case 'image-used': {
      const image = images.get(entry.imageId);
      if (image) image.lastUsedAt = entry.at;
      break;
    }
    case 'image-removed': {
      const image = images.get(entry.imageId);
      if (image) image.removed = true;
      break;
    }
    default: {
      const job = jobs.get(entry.jobId);
      if (!job) break;
      if (entry.type === 'container') job.containerId = entry.containerId;
      else if (entry.type === 'image-pulling') job.pullingRef = entry.ref;
      else if (entry.type === 'phase') {
        job.phase = entry.phase;
        if (entry.phase !== 'frozen') job.parked = false;
      } else if (entry.type === 'work') job.workedMs = Math.max(job.workedMs, entry.workedMs);
      else if (entry.type === 'parked') {
        job.parked = true;
        job.workedMs = Math.max(job.workedMs, entry.workedMs);
      } else if (entry.type === 'adopted') job.parked = false;
      else if (entry.type === 'finished') {
        job.finished = entry;
        job.workedMs = Math.max(job.workedMs, entry.workedMs);
      }
    }
  }
}

/**
 * The shortest journal with the same fold for what matters: every unfinished job in full, the newest
 * `keepFinished` finished jobs, and the images we still hold. Pure.
 */
export function compactEntries(fold: JournalFold, keepFinished: number): JournalEntry[] {
  const out: JournalEntry[] = [];
  const finished = [...fold.jobs.values()].filter((j) => j.finished).sort((a, b) => b.finished!.at - a.finished!.at).slice(0, keepFinished);
  const keep = new Set(finished.map((j) => j.jobId));
  for (const job of fold.jobs.values()) {
    if (job.finished && !keep.has(job.jobId)) continue;
    const { jobId } = job;
    out.push({ type: 'accepted', at: job.acceptedAt, jobId, spec: job.spec, specHash: job.specHash, source: job.source });
    if (job.containerId) out.push({ type: 'container', at: job.acceptedAt, jobId, containerId: job.containerId });
    if (job.finished) {
      out.push(job.finished);
      continue;
    }
    if (job.pullingRef) out.push({ type: 'image-pulling', at: job.acceptedAt, jobId, ref: job.pullingRef });
    if (job.phase) out.push({ type: 'phase', at: job.acceptedAt, jobId, phase: job.phase });
    if (job.parked) out.push({ type: 'parked', at: job.acceptedAt, jobId, workedMs: job.workedMs });
    else out.push({ type: 'work', at: job.acceptedAt, jobId, workedMs: job.workedMs });
  }
  for (const image of fold.images.values()) {
    if (image.removed) continue;
    out.push({ type: 'image', at: image.lastUsedAt, jobId: '', ref: image.ref, imageId: image.imageId, sizeBytes: image.sizeBytes, pulledByUs: image.pulledByUs });
  }
  return out;
}

export function parseJournal(text: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as JournalEntry;
      if (entry && typeof entry === 'object' && typeof entry.type === 'string') entries.push(entry);
    } catch {
      // A torn last line from a crash mid-write: everything before it is intact.
    }
  }
  return entries;
}

/** The journal file. One writer per data folder (the job lock guarantees that). */
export class JobJournal {
  private fd: number | null = null;
  private readonly folded: JournalFold;

  /** Rewrites the file compactly at open when it has grown past `compactAboveBytes`. */
  constructor(
    readonly path: string,
    options: { compactAboveBytes?: number; keepFinished?: number } = {},
  ) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    this.folded = foldJournal(parseJournal(text));
    if (text.length > (options.compactAboveBytes ?? 4 * 1024 * 1024)) this.compact(options.keepFinished ?? 200);
  }

  append(entry: JournalEntry): void {
    this.fd ??= openSync(this.path, 'a', 0o600);
    // A newline first: if the previous write was torn by a crash, this entry still starts on its own line.
    writeSync(this.fd, `\n${JSON.stringify(entry)}`);
    fsyncSync(this.fd);
    applyEntry(this.folded, entry);
  }

  /** The current fold (kept up to date on every append; read it, do not change it). */
  fold(): JournalFold {
    return this.folded;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Write-new-then-rename, both fsynced: a crash leaves either the old file or the new one, never half. */
  private compact(keepFinished: number): void {
    const entries = compactEntries(this.folded, keepFinished);
    const tmp = `${this.path}.compact`;
    const fd = openSync(tmp, 'w', 0o600);
    writeSync(fd, entries.map((e) => JSON.stringify(e)).join('\n'));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
    const replayed = foldJournal(entries);
    this.folded.jobs = replayed.jobs;
    this.folded.images = replayed.images;
  }
}
