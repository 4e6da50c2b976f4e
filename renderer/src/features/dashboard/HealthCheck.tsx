import { useState } from 'react';
import type { DoctorReport } from '../../../../protocol/doctor.js';
import { useApp } from '../../stores/app-store.js';

const BADGE: Record<DoctorReport['worst'], string> = { ok: 'OK', warn: 'Check', fail: 'Fix' };

/** "Check this PC": the same checks as `offhours doctor`, with what to do for each problem. */
export function HealthCheck() {
  const api = useApp((s) => s.api);
  const showError = useApp((s) => s.showError);
  const [report, setReport] = useState<DoctorReport | null>(null);
  const [running, setRunning] = useState(false);

  const run = () => {
    setRunning(true);
    api
      .runDoctor()
      .then(setReport, showError)
      .finally(() => setRunning(false));
  };

  const problems = report?.findings.filter((f) => f.status !== 'ok').length ?? 0;
  return (
    <section className="panel health" data-testid="health-check" aria-busy={running}>
      <div className="health-head">
        <div>
          <h2>PC check</h2>
          <p className="muted small">
            {report
              ? problems === 0
                ? 'Everything Offhours needs is in place.'
                : `${problems} thing${problems === 1 ? '' : 's'} to look at. Start with the ones marked Fix.`
              : 'Checks the graphics card, its driver, the benchmark engines and the data folder.'}
          </p>
        </div>
        <button type="button" onClick={run} disabled={running}>
          {running ? 'Checking…' : report ? 'Check again' : 'Check this PC'}
        </button>
      </div>
      {running && !report && (
        <p className="muted small" role="status">
          <span className="spinner" aria-hidden="true" /> Looking at the graphics card, the driver and WebGPU… this takes a few seconds.
        </p>
      )}
      {report && (
        <ul className="findings">
          {report.findings.map((finding) => (
            <li key={finding.id} className={`finding finding-${finding.status}`} data-testid={`finding-${finding.id}`}>
              <span className={`finding-badge badge-${finding.status}`}>{BADGE[finding.status]}</span>
              <div>
                <strong>{finding.title}</strong>
                <p>{finding.summary}</p>
                {finding.fix && finding.status !== 'ok' && <p className="next">{finding.fix}</p>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
