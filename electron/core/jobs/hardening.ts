import type { JobSpec } from '../../../protocol/job-spec.js';
import { UserFacingError } from '../../../protocol/errors.js';
import { LABEL_INSTANCE, LABEL_JOB_ID, LABEL_MANAGED, LABEL_SPEC_HASH, type EngineInfo, type GuestContainerConfig } from './ports.js';

const MiB = 1024 * 1024;
export const NOBODY = '65534:65534';
export const PIDS_PER_MIB = 4;
export const PIDS_FLOOR = 64;
export const PIDS_CEILING = 1024;
export const TMP_BYTES = 64 * MiB;
export const SCRATCH_PATH = '/scratch';

/**
 * Which user the guest runs as. Never root: the image's own numeric non-root USER when it has one
 * (it was built to run that way), otherwise nobody (65534:65534). A named USER ("app") is not trusted,
 * since the image's /etc/passwd could map it to uid 0. Jobs that need root are not supported by design:
 * the root filesystem is read-only anyway, and /scratch and /tmp are writable by everyone.
 */
export function guestUser(imageUser: string): string {
  const match = /^(\d+)(?::(\d+))?$/.exec(imageUser.trim());
  if (!match) return NOBODY;
  const uid = Number(match[1]);
  const gid = match[2] === undefined ? uid : Number(match[2]);
  if (uid === 0 || gid === 0) return NOBODY;
  return `${uid}:${gid}`;
}

/**
 * How many processes a guest may have: 4 per MiB of its memory limit, at least 64, at most 1024. A process
 * costs the kernel roughly 100 KB of the guest's memory (a fork bomb filled 64 MiB at ~670 processes), so
 * 4 per MiB keeps processes under half the memory: a fork bomb meets the pids limit (fork fails, the guest
 * stays stoppable) before the memory limit (where the engine's own stop request timed out). 64 still runs a
 * shell pipeline with a few workers; 1024 is a ceiling for the host's sake, whatever the memory.
 */
export function pidsLimitFor(memoryMiB: number): number {
  return Math.min(PIDS_CEILING, Math.max(PIDS_FLOOR, Math.floor(memoryMiB * PIDS_PER_MIB)));
}

export function containerName(jobId: string, specHash: string): string {
  return `offhours-${jobId.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}-${specHash.slice(0, 8)}`;
}

/** The hardened container for a validated spec. Pure; throws a UserFacingError when the GPU ask cannot be met. */
export function guestConfigFor(
  spec: JobSpec,
  specHash: string,
  imageUser: string,
  engine: Pick<EngineInfo, 'nvidiaRuntime' | 'cdiDevices'>,
  instanceId = 'default',
): GuestContainerConfig {
  let gpu: GuestContainerConfig['gpu'] = null;
  if (spec.resources.gpus > 0) {
    const cdiGpus = engine.cdiDevices.filter((name) => /^nvidia\.com\/gpu=\d+$/.test(name));
    if (engine.nvidiaRuntime) gpu = { mode: 'nvidia', count: spec.resources.gpus };
    else if (cdiGpus.length >= spec.resources.gpus) gpu = { mode: 'cdi', devices: cdiGpus.slice(0, spec.resources.gpus) };
    else
      throw new UserFacingError(
        'no-gpu-runtime',
        `The job needs ${spec.resources.gpus} GPU${spec.resources.gpus === 1 ? '' : 's'}, but the container engine cannot hand GPUs to containers.`,
        'Install the NVIDIA Container Toolkit (and run "nvidia-ctk cdi generate" for Podman), then restart the engine.',
      );
  }
  return {
    name: containerName(spec.id, specHash),
    image: spec.image,
    command: spec.command,
    // Where the NVIDIA runtime is the engine's default, an image's own NVIDIA_VISIBLE_DEVICES=all would hand over every GPU.
    env: gpu ? spec.env : { ...spec.env, NVIDIA_VISIBLE_DEVICES: 'void' },
    user: guestUser(imageUser),
    labels: { [LABEL_MANAGED]: 'true', [LABEL_JOB_ID]: spec.id, [LABEL_SPEC_HASH]: specHash, [LABEL_INSTANCE]: instanceId },
    memoryBytes: spec.resources.memoryMiB * MiB,
    nanoCpus: spec.resources.cpuMillis * 1_000_000,
    pidsLimit: pidsLimitFor(spec.resources.memoryMiB),
    tmpfs: { [SCRATCH_PATH]: spec.resources.scratchMiB * MiB, '/tmp': TMP_BYTES },
    network: spec.network,
    gpu,
  };
}
