import { describe, expect, it } from 'vitest';
import type { AvailabilityTransition } from '../../../protocol/availability.js';
import { notificationFor } from './notifications.js';

const transition = (over: Partial<AvailabilityTransition>): AvailabilityTransition => ({
  at: '2026-01-01T00:00:00.000Z',
  from: 'available',
  to: 'working',
  reason: 'owner-away',
  cause: 'a job started',
  ...over,
});

describe('owner notifications', () => {
  it('announces the first job ever, once', () => {
    expect(notificationFor(transition({}), false)).toMatchObject({ firstWork: true, title: 'Your PC started earning' });
    expect(notificationFor(transition({}), true)).toBeNull();
  });

  it('announces every back-off for heat, with the cause', () => {
    const note = notificationFor(transition({ from: 'working', to: 'cooling', reason: 'gpu-hot', cause: 'GPU at 86 °C' }), true);
    expect(note?.body).toContain('GPU at 86 °C');
  });

  it('stays quiet for ordinary changes', () => {
    expect(notificationFor(transition({ from: 'working', to: 'yielding', reason: 'owner-active' }), true)).toBeNull();
    expect(notificationFor(transition({ from: 'available', to: 'waiting', reason: 'outside-hours' }), false)).toBeNull();
  });
});
