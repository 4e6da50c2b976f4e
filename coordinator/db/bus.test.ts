import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines, type EngineTarget } from '../test-support/postgres-engines.js';
import { BUS_CHANNEL, createBus, encodeBusEvent, parseBusPayload } from './bus.js';
import type { CoordinatorDatabase } from './database.js';
import type { BusEvent, CoordinatorBus } from './store.js';

/** Resolves with the events a listener received once `count` arrived (or fails after a few seconds). */
function collect(bus: CoordinatorBus, count: number): Promise<BusEvent[]> {
  const received: BusEvent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} events arrived`)), 10_000);
    bus.subscribe((event) => {
      received.push(event);
      if (received.length === count) {
        clearTimeout(timer);
        resolve(received);
      }
    });
  });
}

describe.each(testEngines())('bus on $name', ({ start }) => {
  let target: EngineTarget;
  let one: CoordinatorDatabase;
  let two: CoordinatorDatabase;
  let busOne: CoordinatorBus;
  let busTwo: CoordinatorBus;

  beforeAll(async () => {
    target = await start();
    one = await target.open();
    two = await target.open();
    busOne = await createBus(one.connection);
    busTwo = await createBus(two.connection);
  });
  afterAll(async () => {
    await busOne?.close();
    await busTwo?.close();
    await one?.close();
    await two?.close();
    await target?.stop();
  });

  it('delivers an event published on one connection to every instance, the publisher included', async () => {
    const atTwo = collect(busTwo, 2);
    const atOne = collect(busOne, 2);
    const offer: BusEvent = { kind: 'offer', providerId: 'prv_1', offerId: 'ofr_1' };
    const cancel: BusEvent = { kind: 'cancel-job', providerId: 'prv_1', jobId: 'job_1', reason: 'cancelled by admin' };
    await busOne.publish(offer);
    await busOne.publish(cancel);
    expect(await atTwo).toEqual([offer, cancel]);
    expect(await atOne).toEqual([offer, cancel]);
  });

  it('drops payloads on its channel that are not coordinator events', async () => {
    const received = collect(busTwo, 1);
    await sql`select pg_notify(${BUS_CHANNEL}, ${'{"kind":"offer","providerId":"x"}'})`.execute(one.db);
    await sql`select pg_notify(${BUS_CHANNEL}, ${'not json'})`.execute(one.db);
    const good: BusEvent = { kind: 'job-queued', jobId: 'job_2' };
    await busOne.publish(good);
    expect(await received).toEqual([good]);
  });

  it('refuses to publish a malformed event', async () => {
    await expect(busOne.publish({ kind: 'standing', providerId: 'bad id!' })).rejects.toThrow(/Not a coordinator bus event/);
  });
});

describe('bus payloads', () => {
  it('round-trip, and anything else parses to null', () => {
    const event: BusEvent = { kind: 'offer-withdrawn', providerId: 'p', offerId: 'o', reason: 'late' };
    expect(parseBusPayload(encodeBusEvent(event))).toEqual(event);
    expect(parseBusPayload('{"kind":"offer","providerId":"p","offerId":"o","extra":1}')).toBeNull();
    expect(parseBusPayload('[')).toBeNull();
  });

  it('a wallet event names a Solana address', () => {
    const event: BusEvent = { kind: 'wallet-earnings', providerId: 'p', payoutAddress: '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T' };
    expect(parseBusPayload(encodeBusEvent(event))).toEqual(event);
    expect(() => encodeBusEvent({ ...event, payoutAddress: '' })).toThrow(/Not a coordinator bus event/);
  });
});
