import { useState } from 'react';
import type { RevealLogsResult } from '../../../../protocol/update.js';
import { useApp } from '../../stores/app-store.js';

/** The version this PC runs and where its updates stand: the desktop app's own updater, or who updates the service. */
export function AboutSection() {
  const version = useApp((s) => s.provider?.appVersion);
  const update = useApp((s) => s.provider?.update);
  return (
    <section className="panel">
      <h2>Version and updates</h2>
      <p data-testid="app-version">Offhours {version ?? '…'}</p>
      {update && (
        <>
          <p className={update.phase === 'error' ? 'error-text' : 'muted'} data-testid="update-line">
            {update.line}
          </p>
          {update.nextStep && <p className="muted small">{update.nextStep}</p>}
          {update.checkedAt && update.phase !== 'external' && <p className="muted small">Last looked: {new Date(update.checkedAt).toLocaleString()}</p>}
        </>
      )}
    </section>
  );
}

/**
 * "Reveal logs": the desktop app opens the folder holding the log; the dashboard, perhaps in a browser on another
 * machine than the rig, shows the file's path with a copy button.
 */
export function LogsSection() {
  const api = useApp((s) => s.api);
  const [result, setResult] = useState<RevealLogsResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const reveal = async () => {
    setError(null);
    try {
      setResult(await api.revealLogs());
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause));
    }
  };
  const copy = async (path: string) => {
    await navigator.clipboard?.writeText(path);
    setCopied(true);
  };
  return (
    <section className="panel">
      <h2>Logs</h2>
      <p className="muted small">What Offhours did, for a bug report. Secrets such as keys and access tokens are never written to it.</p>
      <div className="inline-form">
        <button type="button" onClick={() => void reveal()}>
          Reveal logs
        </button>
        {result && (
          <button type="button" onClick={() => void copy(result.path)}>
            {copied ? 'Copied' : 'Copy path'}
          </button>
        )}
      </div>
      {result && (
        <>
          <p className="muted small">{result.opened ? 'Opened the folder holding the log file:' : 'The log file on the PC running Offhours:'}</p>
          <code className="path" data-testid="log-path">
            {result.path}
          </code>
        </>
      )}
      {error && <p className="error-text">{error}</p>}
    </section>
  );
}
