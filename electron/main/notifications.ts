import { Notification } from 'electron';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderState } from '../../protocol/state.js';
import type { ProviderCore } from '../core/api.js';
import { trayNotifications } from '../core/tray/tray-notifications.js';

/**
 * Desktop notifications for the state changes that matter (core/tray/tray-notifications.ts decides which),
 * honouring Settings → notifications. A marker file in the data dir remembers that the first-job one was shown.
 */
export function installNotifications(core: ProviderCore, dataDir: string): () => void {
  const marker = join(dataDir, 'first-work-notified');
  let before: ProviderState | null = core.getState();
  return core.events.on('state', (after) => {
    const notes = trayNotifications(before, after, { firstJobShown: existsSync(marker) });
    before = after;
    if (!core.settings.get().general.notifications || !Notification.isSupported()) return;
    for (const note of notes) {
      new Notification({ title: note.title, body: note.body }).show();
      if (note.kind === 'first-job') writeFileSync(marker, new Date().toISOString());
    }
  });
}
