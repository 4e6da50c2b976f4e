import type { NodeChild, NodeChildEnd } from '../ports.js';

/** What a one-request exchange with a Node child makes of what it hears. */
export interface ChildExchange<T> {
  timeoutMs: number;
  /** The error when the child has not answered in time. */
  timedOut(): Error;
  /** A message from the child: its answer or error ends the exchange; null lets it go on (progress). */
  heard(message: unknown): { answer: T } | { error: Error } | null;
  /** The error when the child ended (or never started) before it answered; `stderr` is the tail of what it wrote. */
  ended(end: NodeChildEnd, stderr: string): Error;
  /** How much of the child's stderr to keep for `ended`. */
  stderrChars: number;
}

/**
 * Sends `request` to a freshly started child and settles once, on its answer, its end or the timeout, whichever
 * comes first; the child is killed then (a driver stuck in a call may ignore anything gentler).
 */
export function exchangeWithChild<T>(child: NodeChild, request: unknown, exchange: ChildExchange<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let stderr = '';
    let settled = false;
    const finish = (outcome: { answer: T } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.answer);
    };
    const timer = setTimeout(() => finish({ error: exchange.timedOut() }), exchange.timeoutMs);
    child.onStderr((text) => (stderr = (stderr + text).slice(-exchange.stderrChars)));
    // Read and dropped: a child that writes to a full pipe would block.
    child.onStdout(() => undefined);
    child.onMessage((message) => {
      const outcome = exchange.heard(message);
      if (outcome) finish(outcome);
    });
    child.onEnd((end) => finish({ error: exchange.ended(end, stderr) }));
    child.send(request);
  });
}
