/**
 * CoordinatorBus over Postgres LISTEN/NOTIFY: what one coordinator instance must tell the others (an offer for
 * a provider whose socket another instance holds, a withdrawal, a cancel). On a PostgreSQL server a dedicated
 * connection LISTENs (re-established if it drops); on embedded PGlite the same channel works in-process.
 * Every instance receives every event, its own included. Payloads are parsed with zod on receipt; anything
 * that does not parse is dropped. Events are hints to act now: the database stays the truth, so an event
 * missed while the listening connection was down is caught up by the coordinator's periodic sweeps.
 */
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { z } from 'zod';
import { IdSchema, SolanaAddressSchema } from '../../protocol/network.js';
import type { DatabaseConnection } from './database.js';
import type { BusEvent, CoordinatorBus } from './store.js';

/** The one NOTIFY channel of the coordinator (a fixed name, never built from input). */
export const BUS_CHANNEL = 'offhours_coordinator';
/** Postgres refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7900;
const RELISTEN_DELAY_MS = 1000;

const ReasonSchema = z.string().max(500);
export const BusEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('offer'), providerId: IdSchema, offerId: IdSchema }).strict(),
  z.object({ kind: z.literal('offer-withdrawn'), providerId: IdSchema, offerId: IdSchema, reason: ReasonSchema }).strict(),
  z.object({ kind: z.literal('cancel-job'), providerId: IdSchema, jobId: IdSchema, reason: ReasonSchema }).strict(),
  z.object({ kind: z.literal('job-queued'), jobId: IdSchema }).strict(),
  z.object({ kind: z.literal('standing'), providerId: IdSchema }).strict(),
  z.object({ kind: z.literal('earnings'), providerId: IdSchema }).strict(),
  z.object({ kind: z.literal('wallet-earnings'), providerId: IdSchema, payoutAddress: SolanaAddressSchema }).strict(),
]);

/** A received payload as an event, or null when it is not one of ours (dropped). */
export function parseBusPayload(payload: string): BusEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = BusEventSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** The payload to NOTIFY; refuses events that are malformed or too large for Postgres. */
export function encodeBusEvent(event: BusEvent): string {
  const parsed = BusEventSchema.safeParse(event);
  if (!parsed.success) throw new Error(`Not a coordinator bus event: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const payload = JSON.stringify(parsed.data);
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new Error(`A bus event must fit ${MAX_PAYLOAD_BYTES} bytes (this one has ${Buffer.byteLength(payload)}).`);
  return payload;
}

export async function createBus(connection: DatabaseConnection): Promise<CoordinatorBus> {
  const bus = connection.engine === 'pglite' ? new PgliteBus(connection.pglite) : new PostgresBus(connection.pool, connection.newDedicatedClient);
  await bus.start();
  return bus;
}

/** Fan-out to subscribers; one listener that throws does not keep the event from the others. */
class Listeners {
  private readonly listeners = new Set<(event: BusEvent) => void>();

  add(listener: (event: BusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  deliver(payload: string): void {
    const event = parseBusPayload(payload);
    if (!event) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A subscriber's own failure is its business; the bus keeps delivering.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

class PgliteBus implements CoordinatorBus {
  private readonly listeners = new Listeners();
  private stopListening: (() => Promise<void>) | null = null;

  constructor(private readonly pglite: PGlite) {}

  async start(): Promise<void> {
    const handler = (payload: string): void => this.listeners.deliver(payload);
    this.stopListening = await this.pglite.listen(BUS_CHANNEL, handler);
  }

  async publish(event: BusEvent): Promise<void> {
    await this.pglite.query('select pg_notify($1, $2)', [BUS_CHANNEL, encodeBusEvent(event)]);
  }

  subscribe(listener: (event: BusEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const stop = this.stopListening;
    this.stopListening = null;
    if (stop && !this.pglite.closed) await stop();
  }
}

class PostgresBus implements CoordinatorBus {
  private readonly listeners = new Listeners();
  private client: pg.Client | null = null;
  private closed = false;
  private relisten: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly newDedicatedClient: () => pg.Client,
  ) {}

  async start(): Promise<void> {
    const client = this.newDedicatedClient();
    client.on('notification', (message) => {
      if (message.channel === BUS_CHANNEL && message.payload !== undefined) this.listeners.deliver(message.payload);
    });
    // A dropped LISTEN connection is replaced; until then events are missed (the sweeps catch up).
    client.on('error', () => this.scheduleRelisten(client));
    client.on('end', () => this.scheduleRelisten(client));
    await client.connect();
    await client.query(`LISTEN ${BUS_CHANNEL}`);
    this.client = client;
  }

  private scheduleRelisten(dead: pg.Client): void {
    if (this.closed || this.client !== dead || this.relisten) return;
    this.client = null;
    this.relisten = setTimeout(() => {
      this.relisten = null;
      if (this.closed) return;
      this.start().catch(() => {
        this.client = dead;
        this.scheduleRelisten(dead);
      });
    }, RELISTEN_DELAY_MS);
  }

  async publish(event: BusEvent): Promise<void> {
    await this.pool.query('select pg_notify($1, $2)', [BUS_CHANNEL, encodeBusEvent(event)]);
  }

  subscribe(listener: (event: BusEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    if (this.relisten) clearTimeout(this.relisten);
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => {});
  }
}
