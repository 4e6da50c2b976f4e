import { createHash } from 'node:crypto';
import type { LogStream } from './ports.js';
import { LogRing, type LogRingOptions } from './log-ring.js';

export type OutputDigest = { digest: string } | { digest: null; why: string };

/**
 * A job's output as it streams in: into the bounded log ring for display, and into a sha256 over every stdout
 * byte (not only what the ring kept). The digest is given only when the stream saw all of stdout: attached
 * before the guest started, and ended by the engine (not cut, not given up on).
 */
export class JobOutput {
  readonly logs: LogRing;
  private readonly stdoutHash = createHash('sha256');
  private stream: LogStream | null = null;

  constructor(
    ringOptions: LogRingOptions,
    private readonly now: () => number,
    private readonly onText: () => void,
    /** Why this stream cannot see all of the output (e.g. it was joined mid-run), or null when it can. */
    private readonly partialBecause: string | null,
  ) {
    this.logs = new LogRing(ringOptions);
  }

  readonly feed = (stream: 'stdout' | 'stderr', chunk: Uint8Array): void => {
    if (stream === 'stdout') this.stdoutHash.update(chunk);
    this.logs.pushChunk(stream, chunk, this.now());
    this.onText();
  };

  follow(stream: LogStream): void {
    this.stream = stream;
  }

  /** Waits (at most drainMs) for the engine to hand over the rest, then closes the stream and digests. */
  async finish(drainMs: number): Promise<OutputDigest> {
    const stream = this.stream;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const end = stream ? await Promise.race([stream.done, new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), drainMs)))]) : 'broken';
    clearTimeout(timer);
    stream?.close();
    this.logs.flush(this.now());
    if (this.partialBecause) return { digest: null, why: this.partialBecause };
    if (end === 'late') return { digest: null, why: `the container engine had not handed over all of the job's output ${Math.round(drainMs / 1000)} s after it stopped.` };
    if (end === 'broken') return { digest: null, why: "the output stream from the container engine broke off before the job's end." };
    return { digest: this.stdoutHash.digest('hex') };
  }

  close(): void {
    this.stream?.close();
  }
}
