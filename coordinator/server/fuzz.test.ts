/**
 * Fuzz: more than 10,000 malformed, oversized, replayed and mis-signed WebSocket frames and bad HTTP requests
 * (seeded, bounded, in batches) against a real coordinator. Each must be answered with an error (an error
 * frame with the expected code, a 4xx, or for frames over the hard limit a 1009 close); the server stays up;
 * a dump of every table is identical before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CoordinatorMessageSchema, HttpErrorBodySchema, type CoordinatorMessageOf } from '../../protocol/network.js';
import { HARD_FRAME_LIMIT_BYTES } from './app.js';
import type { CoordinatorDatabase } from '../db/database.js';
import { startTestCoordinator, type TestCoordinator } from '../test-support/coordinators.js';
import { dumpDatabase } from '../test-support/db-dump.js';
import { httpCase, pick, seededRng, sessionCase, type Rng } from '../test-support/fuzz-frames.js';
import { helloBody, signedHello, testDevice } from '../test-support/hello.js';
import { TestProvider } from '../test-support/provider-client.js';
import { testEngines, type EngineTarget } from '../test-support/postgres-engines.js';

const SEED = Number(process.env.OFFHOURS_FUZZ_SEED ?? 20_240_601);
const SESSION_FRAMES = 7_000;
const BATCH = 100;
/** Frames per batch that reach the store: under the per-connection queue bound (32), so none is rate-limited. */
const STORE_FRAMES_PER_BATCH = 25;
const PRE_HELLO_CASES = 600;
const HUGE_FRAMES = 10;
const HTTP_REQUESTS = 3_000;
const HTTP_PARALLEL = 25;

const roomy = { frames: { capacity: 1e9, refillPerSecond: 1e9 }, http: { capacity: 1e9, refillPerSecond: 1e9 }, maxStrikes: 1e9 };

type ErrorFrame = CoordinatorMessageOf<'error'>;

function countBy(codes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const code of codes) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}

/** A fresh connection, answered once: the error frame (if any) and how the socket closed. */
async function preHelloExchange(url: string, send: (socket: WebSocket, nonce: string) => Promise<void>): Promise<{ error: ErrorFrame | null; code: number }> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/v1/provider`);
  let error: ErrorFrame | null = null;
  let welcome: (nonce: string) => void = () => {};
  const nonce = new Promise<string>((resolve) => (welcome = resolve));
  socket.on('message', (data) => {
    const message = CoordinatorMessageSchema.parse(JSON.parse(String(data)));
    if (message.type === 'welcome') welcome(message.coordinatorNonce);
    else if (message.type === 'error') error = message;
    else throw new Error(`unexpected ${message.type} before enrolment`);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await send(socket, await nonce);
  return { code: await closed, error };
}

async function preHelloCase(rng: Rng, url: string): Promise<{ expect: string; error: ErrorFrame | null; code: number }> {
  const device = await testDevice();
  const kind = pick(rng, ['garbage', 'not-hello', 'wrong-nonce', 'forged', 'tampered', 'version', 'broken', 'binary'] as const);
  const expectCode = { garbage: 'malformed', 'not-hello': 'not-enrolled', 'wrong-nonce': 'bad-signature', forged: 'bad-signature', tampered: 'bad-signature', version: 'protocol-version', broken: 'malformed', binary: 'malformed' }[kind];
  const result = await preHelloExchange(url, async (socket, nonce) => {
    const good = await signedHello(device, nonce);
    const frames = {
      garbage: () => pick(rng, ['', '{', '[1,2', 'hello', '\u0000']),
      'not-hello': () => JSON.stringify({ type: 'heartbeat', seq: 1, availability: 'available', reason: 'owner-away' }),
      'wrong-nonce': async () => JSON.stringify(await signedHello(device, nonce.replace(/^./, nonce[0] === '0' ? '1' : '0'))),
      forged: () => JSON.stringify({ ...good, signature: good.signature.slice(0, -2) + (good.signature.endsWith('00') ? '01' : '00') }),
      tampered: () => JSON.stringify({ ...good, body: { ...good.body, minPricePerGpuHour: '999' } }),
      version: () => JSON.stringify({ ...good, body: { ...helloBody(device, nonce), protocolVersion: 2 } }),
      broken: () => JSON.stringify({ ...good, extra: true }),
      binary: () => JSON.stringify(good),
    };
    socket.send(await frames[kind](), { binary: kind === 'binary' });
  });
  return { expect: expectCode, ...result };
}

async function sendHttp(url: string, c: ReturnType<typeof httpCase>): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}${c.path}`, { method: c.method, headers: c.headers, ...(c.body !== undefined ? { body: c.body } : {}) });
  return { status: response.status, body: await response.text() };
}

describe.each(testEngines())('fuzz: bad frames and requests are answered with errors and change nothing ($name)', ({ start }) => {
  let database: EngineTarget;
  let coordinator: TestCoordinator;
  let provider: TestProvider;
  let inspect: CoordinatorDatabase;

  beforeAll(async () => {
    database = await start();
    inspect = await database.open();
    coordinator = await startTestCoordinator(database, { limits: roomy, maintenance: { providerGoneMs: 3_600_000 } });
    // One enrolled session to fuzz: the benchmark is reported as impossible (stored), one heartbeat sets the replay mark.
    provider = await TestProvider.connect(coordinator.url, { bench: 'fail' });
    await provider.enrol();
    await provider.next('bench-result');
    provider.send({ type: 'heartbeat', seq: 1_000, availability: 'waiting', reason: 'owner-active' });
    await coordinator.maintenance.idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    provider.clearInbox();
  });
  afterAll(async () => {
    await provider?.close();
    await coordinator?.close();
    await inspect?.close();
    await database?.stop();
  });

  it(`answers ${SESSION_FRAMES + PRE_HELLO_CASES + HUGE_FRAMES + HTTP_REQUESTS} bad messages with errors, stays up, and leaves the database as it was`, async () => {
    const rng = seededRng(SEED);
    const before = await dumpDatabase(inspect.db);
    // Not a vacuous comparison: the fuzzed provider, its session and its failed benchmark are in the dump.
    expect([before.providers?.length, before.sessions?.length, before.timed_benchmarks?.length]).toEqual([1, 1, 1]);
    let answered = 0;

    // 1. An enrolled session: malformed, binary, broken, replayed, oversized, and valid frames naming nothing.
    let seq = provider.lastSeq;
    for (let sent = 0; sent < SESSION_FRAMES; sent += BATCH) {
      let storeFrames = 0;
      const cases = Array.from({ length: BATCH }, () => {
        const c = sessionCase(rng, () => provider.lastSeq, () => ++seq, storeFrames < STORE_FRAMES_PER_BATCH);
        if (c.reachesStore) storeFrames += 1;
        return c;
      });
      const waits = cases.map(() => provider.next('error', () => true, 30_000));
      for (const c of cases) provider.sendRaw(c.data, c.binary);
      const errors = await Promise.all(waits);
      expect(countBy(errors.map((e) => e.code)), `batch at ${sent}, seed ${SEED}`).toEqual(countBy(cases.map((c) => c.expect)));
      expect(errors.every((e) => !e.fatal)).toBe(true);
      answered += BATCH;
    }
    expect(provider.pending().filter((m) => m.type !== 'error')).toEqual([]);

    // 2. Fresh connections whose first frame is not a good hello: a fatal error, then the socket closes.
    for (let done = 0; done < PRE_HELLO_CASES; done += 20) {
      const results = await Promise.all(Array.from({ length: 20 }, () => preHelloCase(rng, coordinator.url)));
      for (const r of results) {
        expect(r.error).toMatchObject({ code: r.expect, fatal: true });
        expect(r.code).toBe(1008);
      }
      answered += results.length;
    }

    // 3. Frames over the hard limit: ws closes with 1009 (message too big) before any parsing.
    for (let i = 0; i < HUGE_FRAMES; i++) {
      const r = await preHelloExchange(coordinator.url, async (socket) => socket.send('x'.repeat(HARD_FRAME_LIMIT_BYTES + 1 + i)));
      expect(r.code).toBe(1009);
      answered += 1;
    }

    // 4. HTTP: wrong or missing tokens, broken bodies, oversized bodies, bad ids, wrong content types, unknown routes.
    for (let done = 0; done < HTTP_REQUESTS; done += HTTP_PARALLEL) {
      const cases = Array.from({ length: HTTP_PARALLEL }, () => httpCase(rng, coordinator.adminToken));
      const results = await Promise.all(cases.map((c) => sendHttp(coordinator.url, c)));
      results.forEach((r, i) => {
        expect(cases[i]!.expect, `${cases[i]!.method} ${cases[i]!.path} → ${r.status} ${r.body.slice(0, 200)}`).toContain(r.status);
        expect(HttpErrorBodySchema.safeParse(JSON.parse(r.body)).success).toBe(true);
      });
      answered += results.length;
    }

    expect(answered).toBeGreaterThanOrEqual(10_000);
    expect((await fetch(`${coordinator.url}/v1/health`)).status).toBe(200);
    await coordinator.maintenance.idle();
    expect(await dumpDatabase(inspect.db)).toEqual(before);
  }, 600_000);
});
