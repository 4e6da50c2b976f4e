import { powerMonitor } from 'electron';
import type { IdleReading, IdleSource } from '../core/ports.js';

/**
 * The owner's presence from Electron's powerMonitor (Windows, macOS: system-wide input idle time, lock
 * state, battery). Linux desktops use the headless sources instead (evdev, X11, logind), which also see
 * Wayland sessions and game controllers.
 */
export class PowerMonitorIdleSource implements IdleSource {
  readonly name = 'electron-power-monitor';

  async read(): Promise<IdleReading> {
    return {
      idleSeconds: powerMonitor.getSystemIdleTime(),
      locked: powerMonitor.getSystemIdleState(1) === 'locked',
      onBattery: powerMonitor.isOnBatteryPower(),
    };
  }

  onActivity(listener: () => void): () => void {
    const events = ['unlock-screen', 'resume', 'user-did-become-active', 'on-ac', 'on-battery'] as const;
    for (const event of events) powerMonitor.on(event as 'resume', listener);
    return () => {
      for (const event of events) powerMonitor.removeListener(event as 'resume', listener);
    };
  }
}
