import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';

/**
 * A job as it arrives from the coordinator (or from `offhours job run SPEC.json`): a container to run as a
 * guest on this machine. Everything is `.strict()`; anything that could reach outside the container is
 * refused with a named reason before the spec gets anywhere near the container engine.
 */

export const MAX_COMMAND_ARGS = 64;
export const MAX_COMMAND_BYTES = 16 * 1024;
export const MAX_ENV_ENTRIES = 64;
export const MAX_ENV_BYTES = 32 * 1024;
export const MAX_DURATION_SECONDS = 7 * 24 * 3600;

/** `name@sha256:<64 hex>`: the exact bytes the coordinator checked, never a tag that can move. */
export const PINNED_IMAGE = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*@sha256:[a-f0-9]{64}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** Integer base units as a decimal string (money is never a float). */
const BASE_UNITS = /^(0|[1-9][0-9]{0,29})$/;

export const JobResourcesSchema = z
  .object({
    /** Number of GPUs; 0 runs without any GPU device. */
    gpus: z.number().int().min(0).max(8),
    /** Minimum free VRAM per GPU, in MiB. */
    minVramMiB: z.number().int().min(0).max(1024 * 1024),
    /** CPU limit in thousandths of a core (1000 = one core). */
    cpuMillis: z.number().int().min(100).max(256_000),
    memoryMiB: z.number().int().min(16).max(1024 * 1024),
    /** Size of the writable scratch space at /scratch (a tmpfs counted against memory). */
    scratchMiB: z.number().int().min(1).max(256 * 1024),
  })
  .strict();

export const JobSpecSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1–64 letters, digits, - or _'),
    image: z.string().max(512).regex(PINNED_IMAGE, 'must be pinned by digest: name@sha256:<64 hex>'),
    command: z.array(z.string().max(MAX_COMMAND_BYTES)).min(1).max(MAX_COMMAND_ARGS),
    env: z.record(z.string().regex(ENV_NAME, 'is not a valid variable name'), z.string().max(MAX_ENV_BYTES)),
    resources: JobResourcesSchema,
    maxDurationSeconds: z.number().int().min(1).max(MAX_DURATION_SECONDS),
    network: z.enum(['none', 'egress']),
    price: z
      .object({
        /** Integer base units of the payout token per second of work. */
        perSecond: z.string().regex(BASE_UNITS, 'must be a whole number of base units'),
      })
      .strict(),
  })
  .strict();
export type JobSpec = z.infer<typeof JobSpecSchema>;

/** Why a spec was refused. Each is one thing the owner's machine will not allow. */
export type JobSpecRejection =
  | 'privileged'
  | 'host-mount'
  | 'device'
  | 'capability'
  | 'host-namespace'
  | 'security-option'
  | 'unpinned-image'
  | 'oversized-env'
  | 'oversized-command'
  | 'unknown-field'
  | 'invalid';

export type JobSpecValidation =
  | { ok: true; spec: JobSpec; specHash: string }
  | { ok: false; reason: JobSpecRejection; message: string };

/** Field names (compared case-insensitively, without - and _) that ask for more than a guest may have. */
const HOSTILE_FIELDS: ReadonlyArray<[RegExp, JobSpecRejection, string]> = [
  [/^privileged$/, 'privileged', 'asks for a privileged container'],
  [/^(binds?|mounts?|volumes?|volumesfrom|tmpfs|workdirmount|hostpath|bindmounts?)$/, 'host-mount', 'asks to mount files or folders of this computer'],
  [/^(devices?|devicerequests|devicecgrouprules|gpusdevices|cdidevices)$/, 'device', 'asks for devices other than the GPUs the job requests'],
  [/^(capadd|capabilities|addcapabilities|caps)$/, 'capability', 'asks for extra Linux capabilities'],
  [/^(networkmode|hostnetwork|pidmode|pid|hostpid|ipcmode|ipc|hostipc|utsmode|uts|usernsmode|userns|cgroupns|cgroupnsmode)$/, 'host-namespace', "asks to share this computer's network, processes, memory or name"],
  [/^(securityopt|seccomp|apparmor|selinux|nonewprivileges|readonlyrootfs|user|groupadd|sysctls|ulimits|runtime|portbindings|publishallports|exposedports|ports)$/, 'security-option', 'asks to change the sandbox the job runs in'],
];

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

function findHostileField(value: unknown, path: string[], depth: number): { reason: JobSpecRejection; message: string } | null {
  if (depth > 8 || typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && i < 256; i++) {
      const hit = findHostileField(value[i], [...path, String(i)], depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    // env values and names are data, not configuration: a variable called PRIVILEGED is harmless.
    if (path.length === 1 && path[0] === 'env') continue;
    const normalized = normalizeKey(key);
    for (const [pattern, reason, what] of HOSTILE_FIELDS) {
      if (pattern.test(normalized)) return { reason, message: `The job ${what} ("${[...path, key].join('.')}"), which Offhours never allows.` };
    }
    const hit = findHostileField(child, [...path, key], depth + 1);
    if (hit) return hit;
  }
  return null;
}

function utf8Length(text: string): number {
  return utf8ToBytes(text).length;
}

/**
 * Validates a spec from an untrusted source. Order matters: hostile requests get their own named reason
 * even when the spec is also malformed in other ways.
 */
export function validateJobSpec(raw: unknown): JobSpecValidation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'invalid', message: 'The job spec is not a JSON object.' };
  }
  const hostile = findHostileField(raw, [], 0);
  if (hostile) return { ok: false, ...hostile };
  const doc = raw as Record<string, unknown>;
  if (typeof doc.network === 'string' && doc.network !== 'none' && doc.network !== 'egress') {
    return { ok: false, reason: 'host-namespace', message: `The job asks for network "${doc.network}"; only "none" or "egress" are allowed.` };
  }
  if (typeof doc.image === 'string' && !PINNED_IMAGE.test(doc.image)) {
    return { ok: false, reason: 'unpinned-image', message: `The image "${doc.image.slice(0, 120)}" is not pinned by digest (name@sha256:…), so what runs could change after it was checked.` };
  }
  if (Array.isArray(doc.command)) {
    const bytes = doc.command.reduce<number>((sum, arg) => sum + (typeof arg === 'string' ? utf8Length(arg) : 0), 0);
    if (doc.command.length > MAX_COMMAND_ARGS || bytes > MAX_COMMAND_BYTES) {
      return { ok: false, reason: 'oversized-command', message: `The command is too long (${doc.command.length} arguments, ${bytes} bytes; at most ${MAX_COMMAND_ARGS} and ${MAX_COMMAND_BYTES}).` };
    }
  }
  if (typeof doc.env === 'object' && doc.env !== null && !Array.isArray(doc.env)) {
    const entries = Object.entries(doc.env as Record<string, unknown>);
    // NVIDIA_* variables steer the container runtime's GPU hook (NVIDIA_VISIBLE_DEVICES=all hands over every GPU).
    const gpuControl = entries.find(([name]) => /^nvidia_/i.test(name));
    if (gpuControl) {
      return { ok: false, reason: 'device', message: `The job sets ${gpuControl[0].slice(0, 64)}, which would choose GPUs or driver features itself; Offhours hands over only the GPUs the job requests.` };
    }
    const bytes = entries.reduce((sum, [k, v]) => sum + utf8Length(k) + (typeof v === 'string' ? utf8Length(v) : 0) + 2, 0);
    if (entries.length > MAX_ENV_ENTRIES || bytes > MAX_ENV_BYTES) {
      return { ok: false, reason: 'oversized-env', message: `The environment is too large (${entries.length} variables, ${bytes} bytes; at most ${MAX_ENV_ENTRIES} and ${MAX_ENV_BYTES}).` };
    }
  }
  const parsed = JobSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const unknown = parsed.error.issues.find((issue) => issue.code === 'unrecognized_keys');
    if (unknown && unknown.code === 'unrecognized_keys') {
      const where = [...unknown.path.map(String), unknown.keys[0] ?? ''].filter(Boolean).join('.');
      return { ok: false, reason: 'unknown-field', message: `The job spec has a field Offhours does not know ("${where}"); unknown fields are refused rather than ignored.` };
    }
    const first = parsed.error.issues[0];
    return { ok: false, reason: 'invalid', message: `The job spec is not valid: ${first?.path.join('.') || 'spec'} ${first?.message ?? 'is invalid'}.` };
  }
  return { ok: true, spec: parsed.data, specHash: jobSpecHash(parsed.data) };
}

/** JSON with sorted object keys, so equal specs hash equally whatever order their fields came in. */
export function canonicalJobJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJobJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJobJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function jobSpecHash(spec: JobSpec): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJobJson(spec))));
}

/** Earnings for whole seconds of work: price × seconds, integers only. */
export function earningsFor(pricePerSecond: string, seconds: number): string {
  return (BigInt(pricePerSecond) * BigInt(Math.max(0, Math.floor(seconds)))).toString();
}

// ---------------------------------------------------------------------------------------------------
// The `job` slice of ProviderState: what the Jobs page and the tray show.

export const JobPhaseSchema = z.enum(['queued', 'pulling', 'creating', 'starting', 'running', 'frozen', 'stopping', 'removing']);
export type JobPhase = z.infer<typeof JobPhaseSchema>;

export const JobOutcomeKindSchema = z.enum(['succeeded', 'failed', 'stopped', 'timed-out', 'interrupted', 'error']);
export type JobOutcomeKind = z.infer<typeof JobOutcomeKindSchema>;

export const PullProgressSchema = z.object({
  /** Bytes of image layers downloaded so far; exact where the engine reports bytes, per finished layer otherwise. */
  bytesDone: z.number().int().nonnegative(),
  /** Total compressed size of the layers, when the registry told us. */
  bytesTotal: z.number().int().nonnegative().nullable(),
  layersDone: z.number().int().nonnegative(),
  layersTotal: z.number().int().nonnegative(),
  /** The image was already on this machine: nothing to download. */
  cached: z.boolean(),
});
export type PullProgress = z.infer<typeof PullProgressSchema>;

export const CurrentJobSchema = z.object({
  jobId: z.string(),
  image: z.string(),
  phase: JobPhaseSchema,
  source: z.enum(['local', 'network', 'adopted']),
  pull: PullProgressSchema.nullable(),
  /** Seconds the job has been running (frozen time not counted). */
  elapsedSeconds: z.number().int().nonnegative(),
  maxDurationSeconds: z.number().int().positive(),
  pricePerSecond: z.string(),
  logTail: z.array(z.string()),
  /** Lines admitted to the log buffer so far (to tell new lines from ones already shown). */
  logLinesTotal: z.number().int().nonnegative(),
  droppedLogLines: z.number().int().nonnegative(),
  usesGpu: z.boolean(),
});
export type CurrentJob = z.infer<typeof CurrentJobSchema>;

export const JobRecordSchema = z.object({
  jobId: z.string(),
  image: z.string(),
  outcome: JobOutcomeKindSchema,
  exitCode: z.number().int().nullable(),
  /** Whole seconds of work (running, not frozen). */
  workedSeconds: z.number().int().nonnegative(),
  outputDigest: z.string().nullable(),
  pricePerSecond: z.string(),
  /** price × workedSeconds in base units: what the ledger should credit. */
  estimatedEarnings: z.string(),
  /** What the network ledger credited; null until the ledger exists/credits it. */
  creditedEarnings: z.string().nullable(),
  finishedAt: z.string(),
  reason: z.string().nullable(),
});
export type JobRecord = z.infer<typeof JobRecordSchema>;

export const EngineStatusSchema = z.object({
  state: z.enum(['checking', 'ready', 'missing', 'not-running', 'permission-denied', 'error']),
  /** e.g. "Podman 4.3.1" or "Docker 27.1.0". */
  name: z.string().nullable(),
  endpoint: z.string().nullable(),
  gpuRuntime: z.enum(['nvidia', 'cdi', 'none']).nullable(),
  message: z.string().nullable(),
  nextStep: z.string().nullable(),
});
export type EngineStatus = z.infer<typeof EngineStatusSchema>;

export const JobSliceSchema = z.object({
  engine: EngineStatusSchema,
  current: CurrentJobSchema.nullable(),
  recent: z.array(JobRecordSchema),
});
export type JobSlice = z.infer<typeof JobSliceSchema>;

export function initialJobSlice(): JobSlice {
  return {
    engine: { state: 'checking', name: null, endpoint: null, gpuRuntime: null, message: null, nextStep: null },
    current: null,
    recent: [],
  };
}

export const JobLogsSchema = z.object({
  jobId: z.string(),
  lines: z.array(z.string()),
  droppedLines: z.number().int().nonnegative(),
});

export const RunLocalJobResultSchema = z.discriminatedUnion('accepted', [
  z.object({ accepted: z.literal(true), jobId: z.string() }),
  z.object({ accepted: z.literal(false), reason: z.string(), message: z.string() }),
]);
