import { describe, expect, it } from 'vitest';
import { ManualTimers, silentLogger } from '../network/test-support/link-world.js';
import { FakeUpdater } from './test-support/fake-updater.js';
import { CHECK_EVERY_MS } from './update-policy.js';
import { UpdateService } from './update-service.js';

function world(busy = false) {
  const timers = new ManualTimers();
  const updater = new FakeUpdater();
  const job = { busy };
  const service = new UpdateService({ updater, timers, clock: { now: () => timers.now }, logger: silentLogger, busy: () => job.busy });
  return { timers, updater, job, service };
}

describe('UpdateService', () => {
  it('looks at start and again a day later, not in between', () => {
    const { timers, updater, service } = world();
    service.start();
    expect(updater.checks).toBe(1);
    updater.say({ kind: 'not-available' });
    timers.advance(CHECK_EVERY_MS - 60_000);
    expect(updater.checks).toBe(1);
    timers.advance(60_000);
    expect(updater.checks).toBe(2);
    service.stop();
  });

  it('defers the start check while a job is here and runs it once the job ends', () => {
    const { updater, job, service } = world(true);
    service.start();
    expect(updater.checks).toBe(0);
    job.busy = false;
    service.jobChanged();
    expect(updater.checks).toBe(1);
    service.stop();
  });

  it('lets quitting install a downloaded update only while no job is here, and pushes each change', () => {
    const { updater, job, service } = world();
    const pushed: string[] = [];
    service.onChange((slice) => pushed.push(`${slice.phase}:${slice.installOnQuit}`));
    service.start();
    updater.say({ kind: 'checking' });
    updater.say({ kind: 'available', version: '2.0.0' });
    updater.say({ kind: 'downloaded', version: '2.0.0' });
    expect(updater.installOnQuit).toEqual([true]);
    job.busy = true;
    service.jobChanged();
    expect(updater.installOnQuit).toEqual([true, false]);
    expect(service.state().line).toMatch(/after the job on this PC ends/);
    job.busy = false;
    service.jobChanged();
    expect(updater.installOnQuit).toEqual([true, false, true]);
    expect(pushed).toEqual(['checking:false', 'downloading:false', 'downloaded:true', 'downloaded:false', 'downloaded:true']);
    service.stop();
  });

  it('shows a check that threw as an error with the next step', async () => {
    const { updater, service } = world();
    updater.check = async () => {
      throw new Error('no app-update.yml');
    };
    service.start();
    await Promise.resolve();
    await Promise.resolve();
    expect(service.state()).toMatchObject({ phase: 'error', line: 'Could not look for updates: no app-update.yml' });
    service.stop();
  });
});
