import { describe, expect, it } from 'vitest';
import { nodeTimers } from './timers.js';

describe('nodeTimers', () => {
  it('runs, cancels, and after stop() runs nothing it was asked for', async () => {
    const timers = nodeTimers();
    const ran: string[] = [];
    timers.after(1, () => ran.push('a'));
    timers.after(1, () => ran.push('cancelled')).cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
    timers.after(1, () => ran.push('pending at stop'));
    timers.stop();
    timers.after(1, () => ran.push('asked after stop'));
    timers.every(1, () => ran.push('interval after stop'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ran).toEqual(['a']);
  });
});
