import type { IdleReading, IdleSource, SystemIdleMonitor } from '../ports.js';

/**
 * Events that mean "look again now". 'user-did-become-active' is the owner's return as it happens (macOS
 * only); Windows has no such event, so there the return is seen by the scheduler's next sample (≤ 240 ms),
 * which reads the idle time in-process at no spawn cost.
 */
export const MONITOR_ACTIVITY_EVENTS = ['unlock-screen', 'resume', 'user-did-become-active', 'on-ac', 'on-battery'] as const;

/**
 * The owner's presence from a system idle monitor (Electron's powerMonitor on Windows and macOS: system-wide
 * input idle time, lock state, battery). Kept apart from Electron so it runs, and is measured, under plain Node.
 */
export class MonitorIdleSource implements IdleSource {
  readonly name: string = 'electron-power-monitor';

  constructor(private readonly monitor: SystemIdleMonitor) {}

  async read(): Promise<IdleReading> {
    return {
      idleSeconds: this.monitor.getSystemIdleTime(),
      locked: this.monitor.getSystemIdleState(1) === 'locked',
      onBattery: this.monitor.isOnBatteryPower(),
    };
  }

  onActivity(listener: () => void): () => void {
    for (const event of MONITOR_ACTIVITY_EVENTS) this.monitor.on(event, listener);
    return () => {
      for (const event of MONITOR_ACTIVITY_EVENTS) this.monitor.removeListener(event, listener);
    };
  }
}
