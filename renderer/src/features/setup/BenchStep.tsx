import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { BenchRunSummary } from '../../../../protocol/bench/wgsl/api-schemas.js';
import { quickBenchNotes } from '../../../../protocol/setup.js';
import { useApp } from '../../stores/app-store.js';
import { BenchFailure, BenchProgressView } from '../gpus/bench/BenchPanel.js';
import { createBenchStore } from '../gpus/bench/bench-store.js';
import { ContinueButton, StepNav } from './StepNav.js';

/** The run in a few words: the score, or why there is none. */
function QuickResult({ run }: { run: BenchRunSummary }) {
  const scored = run.correctlyComputed && run.scoreEligible && run.composite !== null;
  const flags = quickBenchNotes(run);
  return (
    <div className="setup-result" data-testid="setup-bench-result">
      <div className="stat-row">
        <div className="stat">
          <span className="stat-label">Score</span>
          <span className={`stat-value${scored ? '' : ' small'}`}>{scored ? run.composite : run.correctlyComputed ? 'Not scored' : 'Failed the check'}</span>
          <span className="muted small">{scored ? '1000 = an RTX 3060' : run.correctlyComputed ? 'Measured and checked, see below' : 'The result did not check out'}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Measured on</span>
          <span className="stat-value small">{run.deviceName}</span>
          <span className="muted small">{run.correctlyComputed ? 'Computed correctly' : 'Wrong result'}</span>
        </div>
      </div>
      {flags.length > 0 && (
        <ul className="bench-flags">
          {flags.map((flag, index) => (
            <li key={`${flag.code}-${index}`} className={`flag flag-${flag.code}`} data-flag={flag.code}>
              {flag.message}
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">Every run is kept on the GPUs &amp; Benchmark page, with the full figures.</p>
    </div>
  );
}

/** Step 2: the quick benchmark with live progress; a failure says what to do and never blocks the way on. */
export function BenchStep() {
  const api = useApp((s) => s.api);
  const showError = useApp((s) => s.showError);
  const [store] = useState(() => createBenchStore(api, showError));
  const bench = useStore(store);
  useEffect(() => {
    const off = api.onBenchProgress((progress) => store.getState().applyProgress(progress));
    void store.getState().loadHistory();
    return off;
  }, [api, store]);

  const running = bench.starting || (bench.progress?.running ?? false);
  const failed = bench.progress?.stage === 'failed' ? bench.progress.error : null;
  const runError = running ? null : (bench.runError ?? failed);
  const start = () => void bench.start(true, 'webgpu');
  return (
    <>
      <h2>Quick benchmark</h2>
      <p className="setup-lead">Measures how fast your card really is, in about a minute, and signs the result with this PC’s own key. The network prices your card by this score.</p>
      {running && (bench.progress ? <BenchProgressView progress={bench.progress} seen={bench.seen} /> : <p className="muted">Getting ready…</p>)}
      {runError && (
        <>
          <BenchFailure error={runError} />
          <p className="muted small">You can go on without it: run it any time later on the GPUs &amp; Benchmark page.</p>
        </>
      )}
      {!running && !runError && bench.latest && <QuickResult run={bench.latest} />}
      {!running && !runError && !bench.latest && bench.historyLoaded && <p className="muted">Your PC stays usable while it runs; games are best closed for a fair score.</p>}
      <StepNav>
        {running ? (
          <span className="muted small">You can go on once it finishes.</span>
        ) : runError ? (
          <>
            <button type="button" onClick={start}>
              Try again
            </button>
            <ContinueButton label="Continue without it" />
          </>
        ) : bench.latest ? (
          <>
            <button type="button" onClick={start}>
              Run it again
            </button>
            <ContinueButton />
          </>
        ) : (
          <>
            <ContinueButton label="Skip this test" primary={false} />
            <button type="button" className="primary" disabled={!bench.historyLoaded} onClick={start}>
              Start the quick benchmark
            </button>
          </>
        )}
      </StepNav>
    </>
  );
}
