import { PRESET_TEXT, setupPutOff } from '../../../../protocol/setup.js';
import { useApp } from '../../stores/app-store.js';

/** On the dashboard after "Skip for now": the way back into the wizard. */
export function FinishSetupBanner() {
  const putOff = useApp((s) => s.settings !== null && setupPutOff(s.settings));
  const open = useApp((s) => s.openSetup);
  if (!putOff) return null;
  return (
    <section className="panel setup-banner" data-testid="finish-setup">
      <div>
        <h2>Finish setting up</h2>
        <p className="muted">Pick where your earnings go and when this PC may earn. About two minutes, no account.</p>
      </div>
      <button type="button" className="primary" onClick={open}>
        Finish setup
      </button>
    </section>
  );
}

/** On the Settings page: the wizard again, any time. */
export function SetupSection() {
  const setup = useApp((s) => s.settings?.setup ?? null);
  const open = useApp((s) => s.openSetup);
  if (!setup) return null;
  const status = setup.completedAt
    ? `Done on ${new Date(setup.completedAt).toLocaleDateString()}${setup.schedulePreset ? `, with “${PRESET_TEXT[setup.schedulePreset].title}” as when to earn` : ''}.`
    : 'Not finished yet.';
  return (
    <section className="panel" data-testid="settings-setup">
      <h2>First-run setup</h2>
      <p className="muted small">
        {status} It walks through your graphics cards, a quick benchmark, your payout wallet and when this PC may earn.
      </p>
      <div className="quick-actions">
        <button type="button" onClick={open}>
          {setup.completedAt ? 'Run setup again' : 'Finish setup'}
        </button>
      </div>
    </section>
  );
}
