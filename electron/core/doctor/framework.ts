import type { DoctorFinding, DoctorReport, DoctorStatus } from '../../../protocol/doctor.js';

/** What one check found. `fix` says what to do next; null when nothing needs doing. */
export interface DoctorResult {
  status: DoctorStatus;
  summary: string;
  fix: string | null;
}

/** One thing `offhours doctor` looks at. run() may throw; the runner turns that into a failed finding. */
export interface DoctorCheck {
  id: string;
  title: string;
  run(): Promise<DoctorResult>;
}

const RANK: Record<DoctorStatus, number> = { ok: 0, warn: 1, fail: 2 };

export function worstStatus(statuses: DoctorStatus[]): DoctorStatus {
  return statuses.reduce<DoctorStatus>((worst, status) => (RANK[status] > RANK[worst] ? status : worst), 'ok');
}

export interface RunDoctorOptions {
  /** Milliseconds since the epoch (injected clock). */
  now: () => number;
  /** A check still running after this long is reported as failed. */
  timeoutMs?: number;
}

async function runOne(check: DoctorCheck, timeoutMs: number): Promise<DoctorResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<DoctorResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'fail', summary: `The check did not finish within ${Math.round(timeoutMs / 1000)} s.`, fix: 'Run "offhours doctor" again; if it hangs again, restart the computer.' }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([check.run(), timeout]);
  } catch (error) {
    return {
      status: 'fail',
      summary: `The check itself failed: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'Run "offhours doctor" again; if it keeps failing, send this report to Offhours support.',
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check side by side and keeps their order in the report. Never throws. */
export async function runDoctorChecks(checks: DoctorCheck[], options: RunDoctorOptions): Promise<DoctorReport> {
  const ranAt = new Date(options.now()).toISOString();
  const findings = await Promise.all(
    checks.map(async (check): Promise<DoctorFinding> => {
      const started = options.now();
      const result = await runOne(check, options.timeoutMs ?? 30_000);
      return { id: check.id, title: check.title, ...result, durationMs: Math.max(0, Math.round(options.now() - started)) };
    }),
  );
  return { ranAt, worst: worstStatus(findings.map((f) => f.status)), findings };
}

const TAG: Record<DoctorStatus, string> = { ok: ' OK ', warn: 'WARN', fail: 'FAIL' };

/** The human-readable report `offhours doctor` prints. */
export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(0, ...report.findings.map((f) => f.title.length));
  const lines = report.findings.map((f) => {
    const head = `  [${TAG[f.status]}] ${f.title.padEnd(width)}  ${f.summary}`;
    return f.fix && f.status !== 'ok' ? `${head}\n         ${' '.repeat(width)}  Fix: ${f.fix}` : head;
  });
  const failed = report.findings.filter((f) => f.status === 'fail').length;
  const warned = report.findings.filter((f) => f.status === 'warn').length;
  const verdict =
    failed > 0
      ? `${failed} problem${failed === 1 ? '' : 's'} to fix${warned ? ` and ${warned} warning${warned === 1 ? '' : 's'}` : ''}. Start with the FAIL lines.`
      : warned > 0
        ? `No blocking problems; ${warned} warning${warned === 1 ? '' : 's'} worth a look.`
        : 'Everything looks good.';
  return `Offhours doctor: ${report.findings.length} checks\n\n${lines.join('\n')}\n\n${verdict}\n`;
}
