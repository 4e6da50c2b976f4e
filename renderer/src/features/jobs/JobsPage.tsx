import { useState } from 'react';
import type { CurrentJob, EngineStatus, JobRecord } from '../../../../protocol/job-spec.js';
import { useApp } from '../../stores/app-store.js';
import { earningsCell, formatDuration, outcomeLabel, outcomeTone, phaseLabel, pullSummary, shortImage, sourceLabel, timeSummary } from './format.js';

const ENGINE_WORDS: Record<EngineStatus['state'], string> = {
  checking: 'Looking for Docker or Podman…',
  ready: 'Ready',
  missing: 'Not installed',
  'not-running': 'Not running',
  'permission-denied': 'No permission',
  error: 'Not working',
};

function EnginePanel({ engine }: { engine: EngineStatus }) {
  const api = useApp((s) => s.api);
  const showError = useApp((s) => s.showError);
  const [checking, setChecking] = useState(false);
  const ready = engine.state === 'ready';
  const recheck = () => {
    setChecking(true);
    api
      .checkEngine()
      .catch(showError)
      .finally(() => setChecking(false));
  };
  return (
    <section className="panel jobs-engine" data-testid="engine-status" aria-labelledby="engine-title">
      <div className="jobs-row">
        <h2 id="engine-title">Container engine</h2>
        <span className={`verdict ${ready ? 'verdict-ok' : engine.state === 'checking' ? 'verdict-info' : 'verdict-bad'}`}>{ENGINE_WORDS[engine.state]}</span>
      </div>
      {engine.name && (
        <p>
          {engine.name} <span className="muted small">at {engine.endpoint}</span>
          {engine.gpuRuntime && <span className="muted small"> · GPU access: {engine.gpuRuntime === 'none' ? 'none' : engine.gpuRuntime === 'nvidia' ? 'NVIDIA runtime' : 'CDI'}</span>}
        </p>
      )}
      {engine.message && <p className={ready ? 'warning-text' : 'error-text'}>{engine.message}</p>}
      {engine.nextStep && <p className="next">{engine.nextStep}</p>}
      {!ready && engine.state !== 'checking' && (
        <div>
          <button type="button" onClick={recheck} disabled={checking}>
            {checking ? 'Checking…' : 'Check again'}
          </button>
        </div>
      )}
    </section>
  );
}

function CurrentJobPanel({ job }: { job: CurrentJob | null }) {
  const api = useApp((s) => s.api);
  const showError = useApp((s) => s.showError);
  const [stopping, setStopping] = useState(false);
  if (!job) {
    return (
      <section className="panel" data-testid="current-job">
        <h2>Now</h2>
        <p className="muted">No job is running on this PC right now. When the network sends one, it shows up here with its live output.</p>
      </section>
    );
  }
  const pull = job.pull ? pullSummary(job.pull) : null;
  const stop = () => {
    setStopping(true);
    api
      .stopJob()
      .catch(showError)
      .finally(() => setStopping(false));
  };
  return (
    <section className="panel jobs-current" data-testid="current-job" aria-labelledby="current-title">
      <div className="jobs-row">
        <h2 id="current-title">Now: job {job.jobId}</h2>
        <span className={`verdict ${job.phase === 'frozen' ? 'verdict-info' : 'verdict-ok'}`} data-testid="job-phase">
          {phaseLabel(job.phase)}
        </span>
      </div>
      <dl className="jobs-facts">
        <div>
          <dt>Image</dt>
          <dd title={job.image}>
            <code>{shortImage(job.image)}</code>
          </dd>
        </div>
        <div>
          <dt>Time worked</dt>
          <dd>{timeSummary(job)}</dd>
        </div>
        <div>
          <dt>Pays</dt>
          <dd>{job.pricePerSecond} base units per second</dd>
        </div>
        <div>
          <dt>Graphics card</dt>
          <dd>{job.usesGpu ? 'Used by this job' : 'Not used'}</dd>
        </div>
        <div>
          <dt>From</dt>
          <dd data-testid="job-source" data-source={job.source}>
            {sourceLabel(job.source)}
          </dd>
        </div>
      </dl>
      {pull && (
        <div className="jobs-pull" data-testid="pull-progress">
          <div className="jobs-row small">
            <span>{pull.text}</span>
            {pull.fraction !== null && <span>{Math.round(pull.fraction * 100)}%</span>}
          </div>
          <div className="bar" role="progressbar" aria-label="Image download" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pull.fraction === null ? undefined : Math.round(pull.fraction * 100)}>
            <div className="bar-fill" style={{ width: `${Math.round((pull.fraction ?? 0) * 100)}%` }} />
          </div>
        </div>
      )}
      <div className="jobs-logs-head small muted">
        Live output{job.droppedLogLines > 0 ? ` (${job.droppedLogLines} lines skipped: the job printed faster than Offhours keeps)` : ''}
      </div>
      <pre className="jobs-logs" data-testid="job-logs" aria-live="polite">
        {job.logTail.length ? job.logTail.join('\n') : 'No output yet.'}
      </pre>
      {(job.phase === 'running' || job.phase === 'frozen' || job.phase === 'pulling') && (
        <div>
          <button type="button" onClick={stop} disabled={stopping}>
            {stopping ? 'Stopping…' : 'Stop this job'}
          </button>
        </div>
      )}
    </section>
  );
}

function RecentJobs({ recent }: { recent: JobRecord[] }) {
  return (
    <section className="panel" data-testid="recent-jobs">
      <h2>Recent jobs</h2>
      {recent.length === 0 ? (
        <p className="muted">No job has run on this PC yet.</p>
      ) : (
        <table className="bench-table jobs-table">
          <thead>
            <tr>
              <th>Job</th>
              <th>Outcome</th>
              <th>Worked</th>
              <th>Earnings</th>
              <th>Finished</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((job) => {
              const earnings = earningsCell(job);
              return (
                <tr key={job.jobId} data-job={job.jobId}>
                  <td>
                    <div>{job.jobId}</div>
                    <div className="muted small" title={job.image}>
                      {shortImage(job.image)}
                    </div>
                  </td>
                  <td>
                    <span className={`verdict verdict-${outcomeTone(job.outcome) === 'ok' ? 'ok' : outcomeTone(job.outcome) === 'warn' ? 'info' : 'bad'}`}>{outcomeLabel(job.outcome)}</span>
                    {job.exitCode !== null && <span className="muted small"> exit {job.exitCode}</span>}
                    {job.reason && <div className="muted small">{job.reason}</div>}
                  </td>
                  <td>{formatDuration(job.workedSeconds)}</td>
                  <td title={earnings.hint}>{earnings.text}</td>
                  <td className="small">{new Date(job.finishedAt).toLocaleString()}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

const SPEC_PLACEHOLDER = `{
  "id": "my-test-1",
  "image": "registry.example.com/worker@sha256:<64 hex digits>",
  "command": ["/bin/sh", "-c", "echo hello"],
  "env": {},
  "resources": { "gpus": 0, "minVramMiB": 0, "cpuMillis": 1000, "memoryMiB": 256, "scratchMiB": 64 },
  "maxDurationSeconds": 60,
  "network": "none",
  "price": { "perSecond": "0" }
}`;

function TestJobPanel({ engineReady, busy }: { engineReady: boolean; busy: boolean }) {
  const api = useApp((s) => s.api);
  const showError = useApp((s) => s.showError);
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const [sending, setSending] = useState(false);
  const submit = () => {
    setSending(true);
    setResult(null);
    api
      .runLocalJob(text)
      .then((answer) => setResult(answer.accepted ? { ok: true, message: `Started job ${answer.jobId}.` } : { ok: false, message: `Refused: ${answer.message}` }))
      .catch(showError)
      .finally(() => setSending(false));
  };
  return (
    <section className="panel" aria-labelledby="test-title">
      <h2 id="test-title">Test your setup</h2>
      <p className="muted small">Paste a job spec to run it here the same way paid jobs run (the same as "offhours job run SPEC.json"). Images must be pinned by digest.</p>
      <label className="jobs-spec-label" htmlFor="job-spec">
        Job spec (JSON)
      </label>
      <textarea id="job-spec" className="jobs-spec" rows={8} spellCheck={false} placeholder={SPEC_PLACEHOLDER} value={text} onChange={(e) => setText(e.target.value)} />
      <div className="jobs-row">
        <button type="button" onClick={submit} disabled={sending || !text.trim() || !engineReady || busy}>
          {sending ? 'Sending…' : 'Run test job'}
        </button>
        {!engineReady && <span className="muted small">Needs a working container engine (see above).</span>}
        {engineReady && busy && <span className="muted small">Wait until the current job is done.</span>}
      </div>
      {result && (
        <p className={result.ok ? 'ok-text' : 'error-text'} data-testid="test-job-result" role={result.ok ? 'status' : 'alert'}>
          {result.message}
        </p>
      )}
    </section>
  );
}

export function JobsPage() {
  const job = useApp((s) => s.provider?.job ?? null);
  return (
    <div className="page">
      <header className="page-head">
        <h1>Jobs</h1>
        <p className="muted">Paid work runs here in sealed containers that cannot see your files.</p>
      </header>
      {!job ? (
        <p className="loading">Connecting…</p>
      ) : (
        <>
          <EnginePanel engine={job.engine} />
          <CurrentJobPanel job={job.current} />
          <RecentJobs recent={job.recent} />
          <TestJobPanel engineReady={job.engine.state === 'ready'} busy={job.current !== null} />
        </>
      )}
    </div>
  );
}
