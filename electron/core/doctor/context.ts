import type { GpuDetection } from '../gpu/detector.js';
import type { WebGpuRunner } from '../ports.js';
import type { ContainerEngine, EgressAttachment, EngineConnector, EngineInfo } from '../jobs/ports.js';
import type { HostProbe } from './engine-checks.js';
import type { DoctorCheck } from './framework.js';

/**
 * What checks may look at. Filled by the composition roots (electron/compose/node-wiring.ts, used by
 * electron/main); add an optional field here when a new check needs another port.
 */
export interface DoctorContext {
  dataDir: string;
  /** process.versions.node of the running process. */
  nodeVersion: string;
  /** 'electron' when running inside the desktop app (its Node is bundled). */
  runtime: 'node' | 'electron';
  /** GPU detection, run at most once per doctor run however many checks ask. */
  detectGpus(): Promise<GpuDetection>;
  /** The WebGPU engine (Dawn in Node); null when this build has none. */
  webgpu: Pick<WebGpuRunner, 'describe'> | null;
  /** Where the CUDA benchmark executable may be, most likely first. */
  cudaBenchPaths: string[];
  /** Finds the container engine (Docker/Podman) for the job checks; absent where jobs are not set up. */
  engineConnector?: EngineConnector;
  /** The fence around internet jobs on that engine (jobs/egress-guard.ts): prepare() installs and checks it, or says why not. */
  egressGuardFor?: (engine: ContainerEngine, info: EngineInfo) => { prepare(): Promise<EgressAttachment> };
  /** Runs programs and reads disk space for the job checks (WSL2, virtualization, free disk). */
  hostProbe?: HostProbe;
}

/** A source of checks: a plain function from the context to the checks it contributes. */
export type DoctorCheckProvider = (context: DoctorContext) => DoctorCheck[];
