import { vi } from 'vitest';
import { main } from '../../cli.js';

/** What the CLI wrote since the capture began (or was last cleared). */
export interface CliCapture {
  readonly stdout: string;
  readonly stderr: string;
  /** Forgets what was written so far, so the next assertion reads only what the next command printed. */
  clear(): void;
  restore(): void;
}

/**
 * Captures process.stdout and process.stderr writes until restored. For verbs that keep running while the test
 * talks to them (`offhours coordinator`), where the output has to be read before the command returns.
 */
export function captureCliOutput(): CliCapture {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    clear() {
      stdout = '';
      stderr = '';
    },
    restore() {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

/** Runs `offhours …` in this process, as the built CLI's entry would, and returns its exit code and what it printed. */
export async function offhours(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const capture = captureCliOutput();
  try {
    const code = await main(argv);
    return { code, stdout: capture.stdout, stderr: capture.stderr };
  } finally {
    capture.restore();
  }
}
