/**
 * The `seq` every provider frame after hello carries. The coordinator refuses a frame whose seq is not above
 * the last one it saw in the session, and a session survives reconnects and daemon restarts (resume), so the
 * counter starts at the larger of the last seq we used and the clock in milliseconds: a restarted daemon that
 * forgot its counter still starts above everything it sent before (at under one frame per millisecond).
 */
export class SeqCounter {
  private last: number;

  constructor(lastUsed: number, nowMs: number) {
    this.last = Math.max(0, Math.floor(lastUsed), Math.floor(nowMs));
  }

  next(): number {
    this.last += 1;
    return this.last;
  }

  /** The last seq handed out (persisted so the next process continues above it). */
  current(): number {
    return this.last;
  }
}
