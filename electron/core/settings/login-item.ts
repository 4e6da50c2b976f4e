import type { Notice } from '../../../protocol/state.js';
import type { Settings } from '../../../protocol/settings.js';
import type { Logger, LoginItem } from '../ports.js';

export interface LoginItemSyncDeps {
  settings: { get(): Settings; onChange(listener: () => void): () => void };
  /** null where this kind of install cannot start at sign-in (the headless service outside Linux). */
  item: LoginItem | null;
  logger: Logger;
  notify(notice: Notice): void;
}

export const LOGIN_ITEM_NOTICE_ID = 'login-item';

/**
 * Keeps the OS's sign-in list in step with `general.launchAtLogin` (off by default; the first run offers it):
 * applied at start, then whenever the setting changes. A failure is a notice with the next step, never a crash.
 * Returns the unsubscriber.
 */
export function syncLoginItem(deps: LoginItemSyncDeps): () => void {
  let applied: boolean | null = null;
  let queue = Promise.resolve();
  const apply = () => {
    const wanted = deps.settings.get().general.launchAtLogin;
    if (wanted === applied) return;
    applied = wanted;
    queue = queue.then(() => applyOnce(deps, wanted));
  };
  apply();
  return deps.settings.onChange(apply);
}

async function applyOnce(deps: LoginItemSyncDeps, enabled: boolean): Promise<void> {
  if (!deps.item) {
    // Leaving it off needs nothing; asking for it where it cannot be done must be said, not ignored.
    if (enabled) {
      deps.notify({
        id: LOGIN_ITEM_NOTICE_ID,
        level: 'warning',
        title: 'Offhours cannot start with your PC here',
        message: 'The headless service can start at sign-in on Linux only.',
        nextStep: 'Start "offhours headless" from your system\'s own startup tools (Task Scheduler on Windows, a launchd agent on macOS).',
      });
    }
    return;
  }
  try {
    await deps.item.setEnabled(enabled);
    deps.logger.info(enabled ? 'Offhours will start when you sign in' : 'Offhours will no longer start when you sign in');
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    deps.logger.warn('could not change starting at sign-in', { enabled, detail });
    deps.notify({
      id: LOGIN_ITEM_NOTICE_ID,
      level: 'warning',
      title: enabled ? 'Offhours could not add itself to your startup programs' : 'Offhours could not remove itself from your startup programs',
      message: detail,
      nextStep: enabled ? 'Turn "Start Offhours when I sign in" off and on again in Settings, or add Offhours to your startup programs yourself.' : 'Remove Offhours from your startup programs in your system settings.',
    });
  }
}
