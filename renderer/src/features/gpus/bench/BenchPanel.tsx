import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { BenchBackend, BenchKernelSummary, BenchProgress, BenchRunSummary } from '../../../../../protocol/bench/wgsl/api-schemas.js';
import { useApp } from '../../../stores/app-store.js';
import { BENCH_STEPS, createBenchStore, stepStatuses, type BenchStepId, type StepStatus } from './bench-store.js';
import { formatDuration, formatPercent, formatThroughput, percentOfPeak } from './format.js';

const STATUS_TEXT: Record<StepStatus, string> = { waiting: 'Waiting', running: 'Running', done: 'Done', skipped: 'Skipped' };

/** Run the benchmark, watch it live, read the result and the past runs. Everything goes through ProviderApi. */
export function BenchPanel() {
  const api = useApp((s) => s.api);
  const showError = useApp((s) => s.showError);
  const [store] = useState(() => createBenchStore(api, showError));
  const bench = useStore(store);
  const [backend, setBackend] = useState<BenchBackend>('webgpu');

  useEffect(() => {
    const off = api.onBenchProgress((progress) => store.getState().applyProgress(progress));
    void store.getState().loadHistory();
    return off;
  }, [api, store]);

  const running = bench.starting || (bench.progress?.running ?? false);
  const failed = bench.progress?.stage === 'failed' ? bench.progress : null;
  const runError = bench.runError ?? failed?.error ?? null;

  return (
    <section className="panel bench" aria-labelledby="bench-title" data-testid="bench-panel">
      <div className="bench-head">
        <div>
          <h2 id="bench-title">Benchmark</h2>
          <p className="muted small">
            Measures how fast your card really is and signs the result with this PC’s key. The network prices your card by this score.
          </p>
        </div>
        <div className="bench-actions">
          <label className="bench-engine">
            <span className="muted small">Engine</span>
            <select value={backend} disabled={running} onChange={(e) => setBackend(e.target.value as BenchBackend)} aria-label="Benchmark engine">
              <option value="webgpu">WebGPU (any graphics card)</option>
              <option value="cuda">CUDA (NVIDIA only)</option>
            </select>
          </label>
          <button type="button" disabled={running} onClick={() => void bench.start(true, backend)}>
            Quick benchmark
          </button>
          <button type="button" className="primary" disabled={running} onClick={() => void bench.start(false, backend)}>
            Full benchmark
          </button>
        </div>
      </div>

      {bench.progress && running && <BenchProgressView progress={bench.progress} seen={bench.seen} />}
      {!running && runError && <BenchFailure error={runError} />}
      {!running && !bench.latest && !runError && bench.historyLoaded && (
        <p className="muted" data-testid="bench-empty">
          No benchmark yet. Start with the quick one (under a minute); the full one adds a heat check under sustained load.
        </p>
      )}
      {!running && bench.latest && <BenchResult run={bench.latest} />}
      {bench.history.length > 0 && <BenchHistory runs={bench.history} />}
    </section>
  );
}

/** The live bar and the list of steps of a running benchmark (also the first-run wizard's benchmark step). */
export function BenchProgressView({ progress, seen }: { progress: BenchProgress; seen: readonly BenchStepId[] }) {
  const statuses = stepStatuses(progress, seen);
  const percent = Math.round(progress.perMille / 10);
  return (
    <div className="bench-progress" data-testid="bench-progress" aria-live="polite">
      <div className="bench-progress-line">
        <span>{progress.message}</span>
        <span className="muted">{percent} %</span>
      </div>
      <div className="bar" role="progressbar" aria-label="Benchmark progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className="bar-fill" style={{ width: `${progress.perMille / 10}%` }} />
      </div>
      <ol className="bench-steps">
        {BENCH_STEPS.map((step) => (
          <li key={step.id} className={`step-${statuses[step.id]}`} data-step={step.id} data-status={statuses[step.id]}>
            <span className="step-dot" aria-hidden="true" />
            <span>{step.label}</span>
            <span className="muted small">{STATUS_TEXT[statuses[step.id]]}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Why a run stopped, and what to do about it. */
export function BenchFailure({ error }: { error: { message: string; nextStep: string | null } }) {
  return (
    <div className="bench-error" role="alert" data-testid="bench-error">
      <p>The benchmark stopped: {error.message}</p>
      {error.nextStep && <p className="next">{error.nextStep}</p>}
    </div>
  );
}

function BenchResult({ run }: { run: BenchRunSummary }) {
  const scored = run.correctlyComputed && run.scoreEligible && run.composite !== null;
  return (
    <div className="bench-result" data-testid="bench-result">
      <div className="stat-row">
        <div className="stat">
          <span className="stat-label">Score</span>
          {scored ? (
            <span className="stat-value" data-testid="bench-score">
              {run.composite}
            </span>
          ) : (
            <span className="stat-value small" data-testid="bench-score">
              {run.correctlyComputed ? 'Not scored' : 'Failed the check'}
            </span>
          )}
          <span className="muted small">
            {scored
              ? '1000 = an RTX 3060'
              : !run.correctlyComputed
                ? 'The result did not check out, see below'
                : run.software
                  ? 'Scores are for real graphics cards only'
                  : 'See below for why'}
          </span>
        </div>
        <div className="stat">
          <span className="stat-label">Device</span>
          <span className="stat-value small">{run.deviceName}</span>
          <span className="muted small">
            {run.backend === 'cuda' ? 'CUDA' : 'WebGPU'} · {run.quick ? 'quick' : 'full'} · {run.n}×{run.n} · {formatDuration(run.wallMs)}
          </span>
        </div>
        <div className="stat">
          <span className="stat-label">Result check</span>
          <span className={`stat-value small ${run.correctlyComputed ? 'ok-text' : 'error-text'}`}>{run.correctlyComputed ? 'Computed correctly' : 'Wrong result'}</span>
          <span className="muted small" title={run.merkleRoot}>
            Proof {run.merkleRoot.slice(0, 12)}…
          </span>
        </div>
      </div>
      {run.flags.length > 0 && (
        <ul className="bench-flags" data-testid="bench-flags">
          {run.flags.map((flag, index) => (
            <li key={`${flag.code}-${index}`} className={`flag flag-${flag.code}`} data-flag={flag.code}>
              {flag.message}
            </li>
          ))}
        </ul>
      )}
      <ul className="kernel-bars" aria-label="Results per test">
        {run.kernels.map((kernel) => (
          <KernelBar key={kernel.name} kernel={kernel} />
        ))}
      </ul>
    </div>
  );
}

function KernelBar({ kernel }: { kernel: BenchKernelSummary }) {
  const spec = percentOfPeak(kernel.value, kernel.specPeak);
  const reference = percentOfPeak(kernel.value, kernel.referenceValue);
  const pct = spec ?? reference;
  const caption =
    spec !== null
      ? `${formatPercent(spec)} of this card’s spec peak (${formatThroughput(kernel.specPeak!, kernel.unit)})`
      : reference !== null
        ? `${formatPercent(reference)} of the reference card (RTX 3060, ${formatThroughput(kernel.referenceValue!, kernel.unit)}); no spec figure for this device`
        : 'No spec figure for this device';
  return (
    <li className="kernel-bar" data-kernel={kernel.name}>
      <div className="kernel-bar-line">
        <span className="kernel-name">
          {kernel.label}
          {kernel.noisy && <span className="chip chip-warn">noisy</span>}
        </span>
        <span className="kernel-value">{formatThroughput(kernel.value, kernel.unit)}</span>
      </div>
      <div className={`bar ${spec !== null ? '' : 'bar-reference'}`} aria-hidden="true">
        <div className="bar-fill" style={{ width: `${Math.min(100, Math.max(pct ?? 0, pct ? 0.5 : 0))}%` }} />
      </div>
      <span className="muted small">{caption}</span>
    </li>
  );
}

function BenchHistory({ runs }: { runs: BenchRunSummary[] }) {
  return (
    <div className="bench-history">
      <h3>Past runs</h3>
      <table className="bench-table" data-testid="bench-history">
        <thead>
          <tr>
            <th>When</th>
            <th>Run</th>
            <th>Device</th>
            <th>Score</th>
            <th>Check</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>{new Date(run.createdAt).toLocaleString()}</td>
              <td>
                {run.backend === 'cuda' ? 'CUDA' : 'WebGPU'} · {run.quick ? 'quick' : 'full'}
              </td>
              <td>{run.deviceName}</td>
              <td>{run.correctlyComputed && run.scoreEligible && run.composite !== null ? run.composite : 'Not scored'}</td>
              <td>{run.correctlyComputed ? 'Correct' : 'Wrong result'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
