import { globalShortcut } from 'electron';
import type { ProviderCore } from '../core/api.js';

/**
 * The panic hotkey (Settings → schedule.panicHotkey, default Ctrl/Cmd+Alt+F12): pauses earning until the
 * owner resumes. The pause is a settings change, so the scheduler samples at once and freezes the job in
 * the same tick. Re-registers when the owner changes the accelerator; a taken or invalid accelerator is
 * reported as a notice with what to do. Call once after the app is ready; the returned function unregisters.
 */
export function installPanicHotkey(core: ProviderCore): () => void {
  let current: string | null = null;
  const register = (accelerator: string) => {
    if (accelerator === current) return;
    if (current) globalShortcut.unregister(current);
    current = null;
    if (!accelerator) return;
    let ok: boolean;
    try {
      ok = globalShortcut.register(accelerator, () => {
        core.scheduler?.pause({ kind: 'until-resume' });
      });
    } catch {
      ok = false;
    }
    if (ok) {
      current = accelerator;
    } else {
      core.addNotice({
        id: 'panic-hotkey',
        level: 'warning',
        title: 'The pause hotkey is not available',
        message: `Offhours could not register ${accelerator} (another program may be using it, or it is not a valid shortcut).`,
        nextStep: 'Pick another key combination for the pause hotkey in the Schedule settings.',
      });
    }
  };
  register(core.settings.get().schedule.panicHotkey);
  const off = core.settings.onChange((settings) => register(settings.schedule.panicHotkey));
  return () => {
    off();
    if (current) globalShortcut.unregister(current);
  };
}
