import type { AvailabilityTransition } from '../../../protocol/availability.js';

export interface OwnerNotification {
  title: string;
  body: string;
  /** True for the once-ever "your PC started earning" message, so the shell records that it was shown. */
  firstWork: boolean;
}

/**
 * Which scheduler transitions deserve a desktop notification: the first time work ever starts, and every
 * time we back off because the GPU ran hot. Everything else shows in the tray and the window only.
 */
export function notificationFor(transition: AvailabilityTransition, firstWorkShown: boolean): OwnerNotification | null {
  if (transition.to === 'working' && !firstWorkShown) {
    return {
      title: 'Your PC started earning',
      body: 'Offhours is running paid work while you are away. It stops the moment you come back.',
      firstWork: true,
    };
  }
  if (transition.to === 'cooling' && transition.reason === 'gpu-hot') {
    return {
      title: 'Paused: your graphics card is hot',
      body: `${transition.cause}. Work resumes by itself once it has cooled down; you can lower the limit on the Schedule page.`,
      firstWork: false,
    };
  }
  return null;
}
