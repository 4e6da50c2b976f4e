/**
 * The gate every provider frame passes before it may touch anything: rate, size, JSON, schema, phase
 * (hello first, exactly once), the hello's signature over this connection's nonce, and the replay rule
 * (seq strictly increasing). Pure: time is passed in, nothing here does I/O. A refused frame changes
 * nothing but the gate's own strike count; the caller answers with the error frame and closes when fatal.
 */
import { verifyHelloSignature } from '../../protocol/network-signing.js';
import {
  MAX_FRAME_BYTES,
  NETWORK_PROTOCOL_VERSION,
  ProviderMessageSchema,
  type CoordinatorErrorCode,
  type CoordinatorMessageOf,
  type ProviderMessage,
  type ProviderMessageOf,
} from '../../protocol/network.js';
import { TokenBucket, type SessionLimits } from './session-limits.js';

export type ErrorFrame = CoordinatorMessageOf<'error'>;

export type SessionPhase = 'awaiting-hello' | 'enrolling' | 'enrolled' | 'closed';

export type GateVerdict = { kind: 'accept'; message: ProviderMessage } | { kind: 'refuse'; error: ErrorFrame };

/** What arrived on the socket, before any parsing. */
export interface RawFrame {
  text: string;
  byteLength: number;
  binary: boolean;
}

export function errorFrame(code: CoordinatorErrorCode, message: string, seq: number | null, fatal: boolean): ErrorFrame {
  return { type: 'error', code, message: message.slice(0, 500), seq, fatal };
}

/** The frame's seq when it has a usable one, so the error can say which frame it answers. */
function readableSeq(value: unknown): number | null {
  if (typeof value !== 'object' || value === null) return null;
  const seq = (value as { seq?: unknown }).seq;
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1 ? seq : null;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export class SessionGate {
  private currentPhase: SessionPhase = 'awaiting-hello';
  private lastSeq = 0;
  private strikes = 0;
  private readonly bucket: TokenBucket;

  constructor(
    /** This connection's nonce from `welcome`, 32 lowercase hex digits. */
    readonly nonce: string,
    private readonly limits: SessionLimits,
    nowMs: number,
  ) {
    this.bucket = new TokenBucket(limits.frames, nowMs);
  }

  get phase(): SessionPhase {
    return this.currentPhase;
  }

  admit(frame: RawFrame, nowMs: number): GateVerdict {
    if (this.currentPhase === 'closed') return this.refuse('refused', 'This connection is closing.', null, true);
    if (!this.bucket.take(nowMs)) return this.refuse('rate-limited', 'Too many frames: slow down.', null, false);
    if (frame.byteLength > MAX_FRAME_BYTES) return this.refuse('too-large', `Frames are limited to ${MAX_FRAME_BYTES} bytes.`, null, false);
    if (frame.binary) return this.refuse('malformed', 'Frames are JSON text, not binary.', null, this.beforeEnrolment());
    const json = parseJson(frame.text);
    if (!json.ok) return this.refuse('malformed', 'The frame is not JSON.', null, this.beforeEnrolment());
    if (this.currentPhase === 'awaiting-hello') return this.admitHello(json.value);
    if (this.currentPhase === 'enrolling') return this.refuse('not-enrolled', 'Wait for "enrolled" before sending more.', readableSeq(json.value), false);
    return this.admitEnrolled(json.value);
  }

  /** The store enrolled the provider: session frames are accepted from now on. */
  markEnrolled(): void {
    if (this.currentPhase === 'enrolling') this.currentPhase = 'enrolled';
  }

  /**
   * A frame that passed the gate was refused later (it named an unknown offer, job, challenge…): it counts
   * towards the strikes like any other. True when the connection must now close.
   */
  strike(): boolean {
    this.strikes += 1;
    if (this.strikes < this.limits.maxStrikes) return false;
    this.currentPhase = 'closed';
    return true;
  }

  markClosed(): void {
    this.currentPhase = 'closed';
  }

  private beforeEnrolment(): boolean {
    return this.currentPhase === 'awaiting-hello';
  }

  private admitHello(value: unknown): GateVerdict {
    const type = (value as { type?: unknown } | null)?.type;
    if (type !== 'hello') return this.refuse('not-enrolled', 'The first frame must be "hello".', readableSeq(value), true);
    const version = (value as { body?: { protocolVersion?: unknown } }).body?.protocolVersion;
    if (version !== NETWORK_PROTOCOL_VERSION) {
      return this.refuse('protocol-version', `This coordinator speaks protocol version ${NETWORK_PROTOCOL_VERSION}; update Offhours.`, null, true);
    }
    const parsed = ProviderMessageSchema.safeParse(value);
    if (!parsed.success || parsed.data.type !== 'hello') return this.refuse('malformed', 'The hello does not match the protocol.', null, true);
    const hello: ProviderMessageOf<'hello'> = parsed.data;
    if (hello.body.coordinatorNonce !== this.nonce) return this.refuse('bad-signature', 'The hello answers another connection’s nonce.', null, true);
    if (!verifyHelloSignature(hello)) return this.refuse('bad-signature', 'The hello signature is not the device key’s.', null, true);
    this.currentPhase = 'enrolling';
    return { kind: 'accept', message: hello };
  }

  private admitEnrolled(value: unknown): GateVerdict {
    const parsed = ProviderMessageSchema.safeParse(value);
    if (!parsed.success) return this.refuse('malformed', `The frame does not match the protocol: ${parsed.error.issues[0]?.message ?? 'invalid'}.`, readableSeq(value), false);
    const message = parsed.data;
    if (message.type === 'hello') return this.refuse('refused', 'Already enrolled on this connection.', null, false);
    if (message.seq <= this.lastSeq) return this.refuse('replayed', `seq ${message.seq} is not above ${this.lastSeq}.`, message.seq, false);
    this.lastSeq = message.seq;
    return { kind: 'accept', message };
  }

  private refuse(code: CoordinatorErrorCode, message: string, seq: number | null, fatal: boolean): GateVerdict {
    this.strikes += 1;
    const abusive = this.strikes >= this.limits.maxStrikes;
    const closing = fatal || abusive;
    if (closing) this.currentPhase = 'closed';
    return { kind: 'refuse', error: errorFrame(code, abusive && !fatal ? `${message} Too many refused frames: closing.` : message, seq, closing) };
  }
}
