import { Notification } from 'electron';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderCore } from '../core/api.js';
import { notificationFor } from '../core/schedule/notifications.js';

/**
 * Desktop notifications for the scheduler's transitions that matter (first work ever, backing off for heat),
 * honouring Settings → notifications. A marker file in the data dir remembers that the first one was shown.
 */
export function installNotifications(core: ProviderCore, dataDir: string): () => void {
  const marker = join(dataDir, 'first-work-notified');
  return core.events.on('availability', (transition) => {
    if (!core.settings.get().general.notifications || !Notification.isSupported()) return;
    const note = notificationFor(transition, existsSync(marker));
    if (!note) return;
    new Notification({ title: note.title, body: note.body }).show();
    if (note.firstWork) writeFileSync(marker, transition.at);
  });
}
