import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../../protocol/network.js';
import { helloBody, signedHello, testDevice } from '../test-support/hello.js';
import { SessionGate, type GateVerdict, type RawFrame } from './session.js';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from './session-limits.js';

const NONCE = '0123456789abcdef0123456789abcdef';
const OTHER_NONCE = 'ffffffffffffffffffffffffffffffff';
const roomy: SessionLimits = { frames: { capacity: 1000, refillPerSecond: 1000 }, http: DEFAULT_SESSION_LIMITS.http, maxStrikes: 1000 };

function text(value: unknown): RawFrame {
  const body = JSON.stringify(value);
  return { text: body, byteLength: Buffer.byteLength(body), binary: false };
}

function refusal(verdict: GateVerdict) {
  if (verdict.kind !== 'refuse') throw new Error(`expected a refusal, got ${JSON.stringify(verdict)}`);
  return verdict.error;
}

async function enrolledGate(limits = roomy): Promise<SessionGate> {
  const gate = new SessionGate(NONCE, limits, 0);
  const verdict = gate.admit(text(await signedHello(await testDevice(), NONCE)), 0);
  expect(verdict.kind).toBe('accept');
  gate.markEnrolled();
  return gate;
}

const heartbeat = (seq: number) => ({ type: 'heartbeat', seq, availability: 'available', reason: 'owner-away' });

describe('SessionGate before enrolment', () => {
  it('accepts a hello signed over this connection’s nonce and then waits for enrolment', async () => {
    const gate = new SessionGate(NONCE, roomy, 0);
    expect(gate.admit(text(await signedHello(await testDevice(), NONCE)), 0).kind).toBe('accept');
    expect(gate.phase).toBe('enrolling');
    expect(refusal(gate.admit(text(heartbeat(1)), 0))).toMatchObject({ code: 'not-enrolled', fatal: false, seq: 1 });
  });

  it('refuses any other first frame, fatally', () => {
    const gate = new SessionGate(NONCE, roomy, 0);
    expect(refusal(gate.admit(text(heartbeat(1)), 0))).toMatchObject({ code: 'not-enrolled', fatal: true });
    expect(gate.phase).toBe('closed');
  });

  it('refuses a hello signed over another nonce, a forged signature, or a tampered body', async () => {
    const device = await testDevice();
    const replayedNonce = await signedHello(device, OTHER_NONCE);
    expect(refusal(new SessionGate(NONCE, roomy, 0).admit(text(replayedNonce), 0))).toMatchObject({ code: 'bad-signature', fatal: true });
    const good = await signedHello(device, NONCE);
    const forged = { ...good, signature: good.signature.replace(/^./, good.signature[0] === 'a' ? 'b' : 'a') };
    expect(refusal(new SessionGate(NONCE, roomy, 0).admit(text(forged), 0))).toMatchObject({ code: 'bad-signature', fatal: true });
    const tampered = { ...good, body: { ...good.body, minPricePerGpuHour: '1' } };
    expect(refusal(new SessionGate(NONCE, roomy, 0).admit(text(tampered), 0))).toMatchObject({ code: 'bad-signature', fatal: true });
    const stranger = await testDevice();
    const swappedKey = { ...good, body: helloBody(stranger, NONCE) };
    expect(refusal(new SessionGate(NONCE, roomy, 0).admit(text(swappedKey), 0)).code).toBe('bad-signature');
  });

  it('names an old protocol version, and refuses a malformed hello', async () => {
    const good = await signedHello(await testDevice(), NONCE);
    expect(refusal(new SessionGate(NONCE, roomy, 0).admit(text({ ...good, body: { ...good.body, protocolVersion: 0 } }), 0)).code).toBe('protocol-version');
    expect(refusal(new SessionGate(NONCE, roomy, 0).admit(text({ ...good, extra: 1 }), 0))).toMatchObject({ code: 'malformed', fatal: true });
    expect(refusal(new SessionGate(NONCE, roomy, 0).admit({ text: '{', byteLength: 1, binary: false }, 0))).toMatchObject({ code: 'malformed', fatal: true });
  });
});

describe('SessionGate after enrolment', () => {
  it('accepts strictly increasing seq and refuses replays without moving the mark', async () => {
    const gate = await enrolledGate();
    expect(gate.admit(text(heartbeat(5)), 0).kind).toBe('accept');
    expect(refusal(gate.admit(text(heartbeat(5)), 0))).toMatchObject({ code: 'replayed', seq: 5, fatal: false });
    expect(refusal(gate.admit(text(heartbeat(3)), 0)).code).toBe('replayed');
    expect(gate.admit(text(heartbeat(6)), 0).kind).toBe('accept');
  });

  it('a malformed frame with a high seq does not advance the replay mark', async () => {
    const gate = await enrolledGate();
    expect(refusal(gate.admit(text({ ...heartbeat(100), availability: 'bogus' }), 0))).toMatchObject({ code: 'malformed', seq: 100, fatal: false });
    expect(gate.admit(text(heartbeat(2)), 0).kind).toBe('accept');
  });

  it('refuses oversized, binary and second hellos without closing', async () => {
    const gate = await enrolledGate();
    expect(refusal(gate.admit({ text: '', byteLength: MAX_FRAME_BYTES + 1, binary: false }, 0)).code).toBe('too-large');
    expect(refusal(gate.admit({ text: '{}', byteLength: 2, binary: true }, 0)).code).toBe('malformed');
    expect(refusal(gate.admit(text(await signedHello(await testDevice(), NONCE)), 0)).code).toBe('refused');
    expect(gate.phase).toBe('enrolled');
  });

  it('rate-limits a burst, refills with time, and closes after too many refusals', async () => {
    const gate = await enrolledGate({ frames: { capacity: 3, refillPerSecond: 1 }, http: DEFAULT_SESSION_LIMITS.http, maxStrikes: 4 });
    // The hello took one token: two more frames fit in the burst.
    expect(gate.admit(text(heartbeat(1)), 0).kind).toBe('accept');
    expect(gate.admit(text(heartbeat(2)), 0).kind).toBe('accept');
    expect(refusal(gate.admit(text(heartbeat(3)), 0))).toMatchObject({ code: 'rate-limited', fatal: false });
    expect(gate.admit(text(heartbeat(3)), 1000).kind).toBe('accept');
    // One strike so far (the rate-limited frame): two more are tolerated, the fourth closes.
    for (let i = 0; i < 2; i++) expect(refusal(gate.admit(text(heartbeat(1)), 60_000 + i)).fatal).toBe(false);
    expect(refusal(gate.admit(text(heartbeat(1)), 70_000))).toMatchObject({ code: 'replayed', fatal: true });
    expect(gate.phase).toBe('closed');
  });
});

describe('SessionGate strikes after the gate', () => {
  it('counts refusals made later (unknown ids) towards closing the connection', async () => {
    const gate = await enrolledGate({ ...roomy, maxStrikes: 2 });
    expect(gate.strike()).toBe(false);
    expect(gate.strike()).toBe(true);
    expect(gate.phase).toBe('closed');
  });
});
