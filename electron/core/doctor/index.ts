/**
 * `offhours doctor`: what was found, what is missing, what to do.
 *
 * HOW TO ADD CHECKS (e.g. the container engine, from electron/core/jobs/):
 *   1. In your own file, export a provider — a plain function from the context to your checks:
 *        export const containerChecks: DoctorCheckProvider = (ctx) => [
 *          { id: 'container-engine', title: 'Container engine', async run() {
 *              return { status: 'ok' | 'warn' | 'fail', summary: 'plain words', fix: 'what to do' | null };
 *          } },
 *        ];
 *      run() may throw or hang: the runner reports that as a failed finding (30 s limit per check).
 *   2. Append it to DOCTOR_CHECK_PROVIDERS below (one import, one array entry).
 *   3. If it needs a port (say a ContainerEngine), add an optional field to DoctorContext in
 *      ./context.ts and fill it where the Doctor is built: electron/compose/node-wiring.ts (createHeadlessDoctor)
 *      and electron/main/compose.ts. Keep the check itself free of adapters, so it stays testable.
 * Checks run side by side; the report keeps the order of this list. `offhours doctor` exits 1 when any
 * check fails, and ProviderApi.runDoctor returns the same report to the UI.
 */
import type { DoctorReport } from '../../../protocol/doctor.js';
import type { Clock } from '../ports.js';
import { benchmarkChecks } from './checks/benchmark.js';
import { containerChecks } from './engine-checks.js';
import { egressChecks } from './checks/egress.js';
import { gpuChecks } from './checks/gpu.js';
import { systemChecks } from './checks/system.js';
import type { DoctorCheckProvider, DoctorContext } from './context.js';
import { runDoctorChecks } from './framework.js';

export const DOCTOR_CHECK_PROVIDERS: readonly DoctorCheckProvider[] = [gpuChecks, systemChecks, benchmarkChecks, containerChecks, egressChecks];

/** Builds the checks for one run and runs them; detection is shared by every check of the run. */
export class Doctor {
  constructor(
    private readonly context: DoctorContext,
    private readonly clock: Clock,
    private readonly providers: readonly DoctorCheckProvider[] = DOCTOR_CHECK_PROVIDERS,
    private readonly timeoutMs = 30_000,
  ) {}

  async run(): Promise<DoctorReport> {
    let detection: ReturnType<DoctorContext['detectGpus']> | null = null;
    const context: DoctorContext = { ...this.context, detectGpus: () => (detection ??= this.context.detectGpus()) };
    const checks = this.providers.flatMap((provider) => provider(context));
    return runDoctorChecks(checks, { now: () => this.clock.now(), timeoutMs: this.timeoutMs });
  }
}

export type { DoctorCheck, DoctorResult } from './framework.js';
export { formatDoctorReport, runDoctorChecks, worstStatus } from './framework.js';
export type { DoctorCheckProvider, DoctorContext } from './context.js';
