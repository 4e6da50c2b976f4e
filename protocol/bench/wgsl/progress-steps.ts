/**
 * Progress of one harness run as a fraction of its steps: generating the inputs, each wanted kernel, the
 * naive GEMM when asked for, and reading C back. A step may report how far it is within itself.
 */
import type { HarnessProgress } from './harness.js';

export class ProgressSteps {
  private step = 0;

  constructor(
    private readonly onProgress: ((progress: HarnessProgress) => void) | undefined,
    private readonly steps: number,
  ) {}

  /** Reports the current step, `within` (0..1) of the way through it. */
  report(stage: HarnessProgress['stage'], kernel: HarnessProgress['kernel'], message: string, within = 0): void {
    this.onProgress?.({ stage, kernel, fraction: Math.min(1, (this.step + within) / this.steps), message });
  }

  /** The listener `BenchDevice.measure` calls after each trial: "<message>: try 3 of 7". */
  trials(kernel: HarnessProgress['kernel'], message: string): (done: number, total: number) => void {
    return (done, total) => this.report('kernel', kernel, `${message}: try ${done} of ${total}`, done / (total + 1));
  }

  /** The current step is over (done or skipped). */
  next(): void {
    this.step++;
  }

  finished(): void {
    this.onProgress?.({ stage: 'readback', kernel: null, fraction: 1, message: 'GPU work done' });
  }
}
