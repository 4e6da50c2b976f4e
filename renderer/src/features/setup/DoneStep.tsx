import { gpuStepSummary } from '../../../../protocol/setup.js';
import { useApp } from '../../stores/app-store.js';
import { selectGpus } from '../../stores/provider-slice.js';
import { doneView } from './done-view.js';

/** After the last step: it runs now, where to watch it, where earnings show. */
export function DoneStep() {
  const mode = useApp((s) => s.provider?.mode ?? 'headless');
  const preset = useApp((s) => s.settings?.setup.schedulePreset ?? null);
  const inventory = useApp(selectGpus);
  const close = useApp((s) => s.closeSetup);
  const view = doneView(mode, preset, inventory ? gpuStepSummary(inventory).canEarn : true);
  return (
    <div className="setup-done" data-testid="setup-done">
      <h2>You’re all set</h2>
      <p className="setup-lead ok-text">✓ {view.earns}</p>
      {view.waitsFor && <p className="warning-text">{view.waitsFor}</p>}
      <h3>{view.watchTitle}</h3>
      {view.watch.map((line) => (
        <p key={line}>{line}</p>
      ))}
      {view.commands.length > 0 && (
        <dl className="setup-commands">
          {view.commands.map((entry) => (
            <div key={entry.command}>
              <dt>
                <code>{entry.command}</code>
              </dt>
              <dd className="muted">{entry.what}</dd>
            </div>
          ))}
        </dl>
      )}
      <h3>Your earnings</h3>
      <p>{view.earnings}</p>
      <p className="muted small">Change when it earns on the Schedule page, and run this setup again from Settings.</p>
      <div className="setup-nav">
        <span />
        <div className="setup-nav-forward">
          <a className="button" href="#/earnings" onClick={close}>
            Open Earnings
          </a>
          <a className="button primary" href="#/dashboard" onClick={close}>
            Go to the dashboard
          </a>
        </div>
      </div>
    </div>
  );
}
