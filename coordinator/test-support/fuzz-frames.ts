/**
 * A bounded, seeded generator of bad provider frames and bad admin requests for the coordinator's fuzz test.
 * Each case says which error it must get; none of them may change anything. Frames are built from valid ones
 * and then broken in a way the schema must refuse (wrong type, missing or extra field, bad seq), so a case
 * can never be valid by accident.
 */
import { MAX_FRAME_BYTES } from '../../protocol/network.js';

export type Rng = () => number;

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its seed. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const hex = (rng: Rng, length: number) => Array.from({ length }, () => '0123456789abcdef'[int(rng, 0, 15)]).join('');

export interface FrameCase {
  /** Text, or a Buffer sent as a binary frame. */
  data: string | Buffer;
  binary: boolean;
  /** The error code the coordinator must answer with. */
  expect: string;
  /** Frames that pass the gate and reach the store (counted against the per-connection queue). */
  reachesStore: boolean;
}

/** Valid session frames (without seq) that name things that do not exist, so the store refuses them. */
function unknownThings(rng: Rng): { frame: Record<string, unknown>; expect: string }[] {
  const jobId = `nojob${hex(rng, 8)}`;
  return [
    { frame: { type: 'offer-reply', offerId: `nooffer${hex(rng, 8)}`, accept: rng() < 0.5, reason: null, message: null }, expect: 'unknown-offer' },
    {
      frame: { type: 'job-status', jobId, status: pick(rng, ['pulling', 'started', 'finished', 'failed']), at: new Date(0).toISOString(), pull: null, exitCode: null, workedSeconds: null, outputDigest: null, message: null, replayed: false },
      expect: 'unknown-job',
    },
    { frame: { type: 'bench-roots', challengeId: `noch${hex(rng, 8)}`, roots: [hex(rng, 64)], device: 'x', backend: 'webgpu', software: true }, expect: 'unknown-challenge' },
    { frame: { type: 'bench-failed', challengeId: `noch${hex(rng, 8)}`, code: 'x', message: 'x' }, expect: 'unknown-challenge' },
    { frame: { type: 'pong', pingId: `noping${hex(rng, 8)}` }, expect: 'refused' },
    { frame: { type: 'job-logs', requestId: `noreq${hex(rng, 8)}`, jobId, lines: ['x'], droppedLines: 0 }, expect: 'refused' },
  ];
}

/** Valid frames of every kind a provider sends after enrolment (seq filled in by the caller). */
function templates(rng: Rng): Record<string, unknown>[] {
  return [
    { type: 'heartbeat', availability: 'available', reason: 'owner-away' },
    { type: 'availability', state: 'waiting', reason: 'owner-active', ownerPresent: true },
    ...unknownThings(rng).map((u) => u.frame),
  ];
}

/** Breaks a valid frame so the schema must refuse it. */
function breakFrame(rng: Rng, frame: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(frame).filter((k) => k !== 'type');
  const broken = { ...frame };
  switch (int(rng, 0, 5)) {
    case 0:
      broken.type = pick(rng, ['', 'HELLO', 'heartbeats', 'offer', 'welcome', 'error', 42, null]);
      break;
    case 1:
      delete broken[pick(rng, keys)];
      break;
    case 2:
      broken[`extra${int(rng, 0, 9)}`] = pick(rng, [1, 'x', null, {}, []]);
      break;
    case 3:
      broken.seq = pick(rng, [0, -1, 1.5, '7', null, Number.MAX_SAFE_INTEGER + 2, 1e308]);
      break;
    case 4: {
      const key = pick(rng, keys.filter((k) => k !== 'seq'));
      broken[key] = typeof frame[key] === 'string' ? pick(rng, [123, {}, [], true]) : pick(rng, [{ nested: true }, -1.5, [1]]);
      break;
    }
    default:
      broken[pick(rng, keys.filter((k) => k !== 'seq'))] = 'x'.repeat(5000);
  }
  return broken;
}

function garbage(rng: Rng): string {
  return pick(rng, [
    () => '',
    () => '{',
    () => 'null',
    () => String(int(rng, -1e6, 1e6)),
    () => '"hello"',
    () => '[]',
    () => '{"type":"heartbeat"',
    () => Array.from({ length: int(rng, 1, 200) }, () => String.fromCharCode(int(rng, 0, 0xd7ff))).join(''),
    () => JSON.stringify({ type: 'heartbeat', seq: { $gt: 0 } }),
    () => `{"__proto__":{"admin":true},"type":"heartbeat","seq":${int(rng, 1, 9)}}`,
  ])();
}

/**
 * One frame for an enrolled session whose replay mark is `lastSeq`. `nextSeq` hands out fresh seqs for the
 * frames that must reach the store (they advance the mark, but name nothing that exists).
 */
export function sessionCase(rng: Rng, lastSeq: () => number, nextSeq: () => number, allowStore: boolean): FrameCase {
  const roll = rng();
  if (roll < 0.2) return { data: garbage(rng), binary: false, expect: 'malformed', reachesStore: false };
  if (roll < 0.25) return { data: Buffer.from(garbage(rng) || 'x'), binary: true, expect: 'malformed', reachesStore: false };
  if (roll < 0.55) {
    const frame = breakFrame(rng, { ...pick(rng, templates(rng)), seq: nextSeq() + 1_000_000 });
    return { data: JSON.stringify(frame), binary: false, expect: 'malformed', reachesStore: false };
  }
  if (roll < 0.8) {
    const frame = { ...pick(rng, templates(rng)), seq: int(rng, 1, lastSeq()) };
    return { data: JSON.stringify(frame), binary: false, expect: 'replayed', reachesStore: false };
  }
  if (roll < 0.82) {
    const size = int(rng, MAX_FRAME_BYTES + 1, MAX_FRAME_BYTES + 64 * 1024);
    return { data: `{"type":"heartbeat","pad":"${'p'.repeat(size)}"}`, binary: false, expect: 'too-large', reachesStore: false };
  }
  if (!allowStore) return { data: garbage(rng) || '{', binary: false, expect: 'malformed', reachesStore: false };
  const unknown = pick(rng, unknownThings(rng));
  return { data: JSON.stringify({ ...unknown.frame, seq: nextSeq() }), binary: false, expect: unknown.expect, reachesStore: true };
}

export interface HttpCase {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Acceptable statuses (all 4xx). */
  expect: number[];
}

const VALID_SPEC = {
  id: 'fuzz',
  image: `docker.io/library/busybox@sha256:${'a'.repeat(64)}`,
  command: ['true'],
  env: {},
  resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 8 },
  maxDurationSeconds: 60,
  network: 'none',
  price: { perSecond: '1' },
};

/** A bad admin/public HTTP request. `token` is the real admin token; a valid request is never produced. */
export function httpCase(rng: Rng, token: string): HttpCase {
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const roll = rng();
  if (roll < 0.25) {
    const header = pick(rng, [undefined, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `bearer ${token}`, token, 'Bearer ', `Basic ${token}`]);
    const path = pick(rng, ['/v1/admin/status', '/v1/admin/jobs', '/v1/admin/providers', `/v1/admin/jobs/${hex(rng, 8)}/cancel`, '/v1/admin/nope', '/v1/%61dmin/jobs']);
    const method = pick(rng, ['GET', 'POST'] as const);
    return { method, path, headers: header === undefined ? {} : { authorization: header }, ...(method === 'POST' ? { body: '{}' } : {}), expect: [401, 404] };
  }
  if (roll < 0.45) {
    const spec = breakFrame(rng, { ...VALID_SPEC });
    const body = pick(rng, [
      () => JSON.stringify({ spec, requirements: { minThroughputMilliGflops: 0 }, budget: '1' }),
      () => JSON.stringify({ spec: VALID_SPEC, requirements: { minThroughputMilliGflops: -1 }, budget: '1' }),
      () => JSON.stringify({ spec: VALID_SPEC, requirements: { minThroughputMilliGflops: 0 }, budget: pick(rng, ['-1', '1.5', '01', 'x', 1]) }),
      () => JSON.stringify({ spec: { ...VALID_SPEC, image: 'busybox:latest' }, requirements: { minThroughputMilliGflops: 0 }, budget: '1' }),
      () => JSON.stringify({ spec: { ...VALID_SPEC, privileged: true }, requirements: { minThroughputMilliGflops: 0 }, budget: '1' }),
      () => garbage(rng) || '{',
    ])();
    return { method: 'POST', path: '/v1/admin/jobs', headers: auth, body, expect: [400] };
  }
  if (roll < 0.55) return { method: 'POST', path: '/v1/admin/jobs', headers: auth, body: `{"pad":"${'p'.repeat(int(rng, 256 * 1024, 300 * 1024))}"}`, expect: [413] };
  if (roll < 0.7) {
    const jobId = pick(rng, [`nojob${hex(rng, 6)}`, '..%2f..%2fetc', '-bad', 'a'.repeat(65), '%00']);
    return { method: 'POST', path: `/v1/admin/jobs/${jobId}/cancel`, headers: auth, body: pick(rng, ['{"reason":"x"}', '{}', '{"reason":1}']), expect: [400, 404] };
  }
  if (roll < 0.8) return { method: 'POST', path: '/v1/admin/jobs', headers: { ...auth, 'content-type': pick(rng, ['text/xml', 'application/x-www-form-urlencoded', 'multipart/form-data']) }, body: 'a=b', expect: [400, 415] };
  if (roll < 0.9) return { method: pick(rng, ['GET', 'PUT', 'DELETE'] as const), path: pick(rng, ['/', '/v1', '/v1/admin', '/v1/info/x', `/v1/${hex(rng, 8)}`, '/api/rpc/getState']), headers: {}, expect: [404] };
  return { method: 'GET', path: '/v1/provider', headers: {}, expect: [426] };
}
