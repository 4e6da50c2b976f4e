import type { GpuInventory } from '../../protocol/gpu.js';
import type { Settings } from '../../protocol/settings.js';
import type {
  AdapterDescription as WebGpuAdapterDescription,
  HarnessOptions as WebGpuHarnessOptions,
  HarnessResult as WebGpuHarnessResult,
} from '../../protocol/bench/wgsl/harness.js';

/**
 * Everything core needs from the world. Each port has one adapter file per environment
 * (electron/core/adapters for plain Node, electron/main for Electron-only ones) and in-memory twins in tests.
 * Types here are ours, never a library's.
 */

export interface Clock {
  now(): number;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Finds the GPUs in this machine. Never throws: a missing driver is an inventory with a reason. */
export interface GpuProbe {
  detect(): Promise<GpuInventory>;
}

export interface SettingsLoadResult {
  settings: Settings;
  /** Set when the file on disk was unreadable or invalid and was moved aside. */
  quarantined: { movedTo: string; reason: string } | null;
  migratedFrom: number | null;
}

/** Persists settings (conf in headless, electron-store in the desktop app; same schema). */
export interface SettingsStore {
  load(): SettingsLoadResult;
  save(settings: Settings): void;
}

/**
 * What the availability scheduler may do to the job on this machine (implemented by the job runner).
 * freeze/thaw use the engine's cgroup freezer (pause/unpause): instant, and the job keeps its GPU memory.
 */
export interface JobControl {
  /** The job on this machine right now, or null when none. */
  current(): { jobId: string; state: 'running' | 'frozen' } | null;
  freeze(reason: string): Promise<void>;
  thaw(): Promise<void>;
  /** Stops with a grace period and removes the container, releasing its GPU memory. */
  stop(reason: string): Promise<void>;
}

/**
 * Runs the WebGPU benchmark harness (protocol/bench/wgsl) on this machine's adapter: Dawn in Node,
 * a hidden window's navigator.gpu in the desktop app. Errors are UserFacingErrors.
 */
export interface WebGpuRunner {
  describe(): Promise<WebGpuAdapterDescription>;
  run(options: Omit<WebGpuHarnessOptions, 'nowMs'>): Promise<WebGpuHarnessResult>;
}
