import { powerMonitor } from 'electron';
import type { SystemIdleMonitor } from '../core/ports.js';
import { MonitorIdleSource } from '../core/schedule/system-idle-monitor.js';

/**
 * The owner's presence from Electron's powerMonitor (Windows, macOS: system-wide input idle time, lock
 * state, battery). Linux desktops use the headless sources instead (evdev, X11, logind), which also see
 * Wayland sessions and game controllers. The logic lives in core (MonitorIdleSource) so it is measured
 * under plain Node with a stand-in monitor; this binds it to Electron's.
 */
export class PowerMonitorIdleSource extends MonitorIdleSource {
  constructor() {
    super(powerMonitor as unknown as SystemIdleMonitor);
  }
}
