import { afterAll, describe, expect, it } from 'vitest';
import type { PreemptionEvent } from '../../../protocol/availability.js';
import { findTestEngine } from '../jobs/test-support/test-engine.js';
import { zoneCalendar } from './calendar.js';
import { SchedulerService } from './scheduler-service.js';
import { ManualIdle, memorySettings, quietLogger, startRealJob } from './test-support/test-world.js';

/** Against the real engine at DOCKER_HOST (`source .ci/podman.sh`); skipped loudly without one, fails under CI=true. */
const found = await findTestEngine();

describe.skipIf(!found)('preemption on a real container (podman through the Docker Engine API)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('owner returns → frozen (engine says paused); idle again → resumed; owner stays past grace → stopped and removed', async () => {
    const { engine, localImage } = found!;
    const job = await startRealJob(engine, localImage, { now: () => Date.now() });
    cleanups.push(job.cleanup);
    // The scheduler's own clock is ours to move: no sleeping, every step is one awaited sample.
    let now = Date.UTC(2026, 10, 25, 12, 0);
    const idle = new ManualIdle();
    const service = new SchedulerService(
      { clock: { now: () => now }, calendar: zoneCalendar('UTC'), logger: quietLogger, idle, jobs: job.runner, settings: memorySettings() },
      { graceMs: 3000 },
    );
    const events: PreemptionEvent[] = [];
    service.onPreemption((e) => events.push(e));
    const step = async (idleSeconds: number) => {
      now += 250;
      idle.set(idleSeconds);
      return service.tick();
    };
    const engineState = async () => (await engine.inspectContainer(job.containerId))?.state ?? 'gone';

    expect((await step(3600)).decision.state).toBe('working');
    expect(await engineState()).toBe('running');

    const back = await step(0);
    expect(back.decision).toMatchObject({ state: 'yielding', reason: 'owner-active' });
    expect(await engineState()).toBe('paused');
    expect(job.runner.current()).toEqual({ jobId: job.spec.id, state: 'frozen' });
    expect(events.at(-1)).toMatchObject({ action: 'frozen', jobId: job.spec.id });

    // Away again for the full threshold (5 min by default): resumed.
    // The owner touched the PC once and walked away: idle grows with the clock until the 5 min threshold.
    let result = await step(0.25);
    for (let idleSeconds = 0.5; result.decision.state !== 'working'; idleSeconds += 0.25) {
      if (idleSeconds > 400) throw new Error(`never resumed: ${JSON.stringify(result.decision)}`);
      result = await step(idleSeconds);
    }
    expect(result.decision.reason).toBe('owner-away');
    expect(await engineState()).toBe('running');
    expect(events.at(-1)).toMatchObject({ action: 'thawed' });

    // Back, and staying: frozen, then stopped once the 3 s grace period has passed on the scheduler's clock.
    expect((await step(0)).actions.map((a) => a.kind)).toEqual(['freeze']);
    expect(await engineState()).toBe('paused');
    const frozenAt = now;
    // The owner keeps using the PC (fresh input on every sample).
    do {
      if (now - frozenAt > 10_000) throw new Error('never stopped');
      result = await step(0);
    } while (!result.actions.some((a) => a.kind === 'stop'));
    expect(now - frozenAt).toBe(3000);
    expect(job.runner.current()).toBeNull();
    expect(await engineState()).toBe('gone');
    expect(events.map((e) => e.action)).toEqual(['frozen', 'thawed', 'frozen', 'stopped']);
    expect((await step(0)).decision).toMatchObject({ state: 'waiting', reason: 'owner-active' });
  }, 120_000);
});
