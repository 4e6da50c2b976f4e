import { useState } from 'react';
import { presetOf, presetSchedule, PRESET_TEXT, SCHEDULE_PRESETS, type SchedulePreset } from '../../../../protocol/setup.js';
import { useApp } from '../../stores/app-store.js';
import { StepNav } from './StepNav.js';

/** One day of the preset's hours as a strip of 48 half-hours, 00:00 on the left: the choice at a glance. */
function DayStrip({ preset }: { preset: SchedulePreset }) {
  const monday = presetSchedule(preset).weeklyGrid.slice(0, 48);
  return (
    <span className="setup-day" aria-hidden="true">
      {[...monday].map((cell, index) => (
        <span key={index} className={cell === '1' ? 'on' : undefined} />
      ))}
    </span>
  );
}

/** Step 4: when may this PC earn. A preset now, every detail on the Schedule page later. */
export function ScheduleStep() {
  const settings = useApp((s) => s.settings);
  const completeSetup = useApp((s) => s.completeSetup);
  const [chosen, setChosen] = useState<SchedulePreset>(() => (settings ? (settings.setup.schedulePreset ?? presetOf(settings.schedule) ?? 'away') : 'away'));
  const [startAtLogin, setStartAtLogin] = useState(() => settings?.general.launchAtLogin ?? false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const finish = async () => {
    setBusy(true);
    setError(await completeSetup(chosen, startAtLogin));
    setBusy(false);
  };
  return (
    <>
      <h2>When may this PC earn?</h2>
      <p className="setup-lead">Games always come first: starting one stops the work at once, whatever you pick. You can fine-tune the hours and rules on the Schedule page any time.</p>
      <div className="setup-presets" role="radiogroup" aria-label="When this PC may earn">
        {SCHEDULE_PRESETS.map((preset) => (
          <label key={preset} className={`setup-preset${chosen === preset ? ' chosen' : ''}`} data-preset={preset}>
            <input type="radio" name="schedulePreset" value={preset} checked={chosen === preset} onChange={() => setChosen(preset)} />
            <span className="setup-preset-text">
              <span className="toggle-label">{PRESET_TEXT[preset].title}</span>
              <span className="muted small">{PRESET_TEXT[preset].description}</span>
            </span>
            <DayStrip preset={preset} />
          </label>
        ))}
      </div>
      <p className="muted small setup-day-legend">
        <span className="setup-day-key" aria-hidden="true" /> hours it may earn, 00:00 to 24:00, every day
      </p>
      <label className="toggle setup-login">
        <input type="checkbox" name="launchAtLogin" data-testid="setup-start-at-login" checked={startAtLogin} onChange={(event) => setStartAtLogin(event.target.checked)} />
        <span>
          <span className="toggle-label">Start Offhours when I sign in</span>
          <span className="muted small">So this PC earns without you opening the app. Off unless you tick it; change it any time in Settings.</span>
        </span>
      </label>
      {error && (
        <p className="warning-text" role="alert" data-testid="setup-finish-error">
          {error}
        </p>
      )}
      <StepNav>
        <button type="button" className="primary" disabled={busy} onClick={() => void finish()}>
          {busy ? 'Saving…' : 'Finish setup'}
        </button>
      </StepNav>
    </>
  );
}
