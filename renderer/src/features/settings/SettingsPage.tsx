import type { Settings } from '../../../../protocol/settings.js';
import { useApp } from '../../stores/app-store.js';
import { SetupSection } from '../setup/SetupEntryPoints.js';
import { AboutSection, LogsSection } from './AboutSection.js';
import { ElectricitySection } from './ElectricitySection.js';

type GeneralKey = keyof Settings['general'];

const GENERAL_OPTIONS: { key: GeneralKey; label: string; help: string }[] = [
  { key: 'launchAtLogin', label: 'Start Offhours when I sign in', help: 'So your PC can earn without you opening the app.' },
  { key: 'closeToTray', label: 'Keep running in the tray when I close the window', help: 'The window closes; earning goes on.' },
  { key: 'stopJobsOnQuit', label: 'Stop running jobs when I quit Offhours', help: 'Otherwise they are frozen and picked up again next time.' },
  { key: 'notifications', label: 'Show notifications', help: 'When work starts for the first time, a payout arrives, your GPU runs hot or a GPU disappears.' },
];

export function SettingsPage() {
  const settings = useApp((s) => s.settings);
  const saving = useApp((s) => s.savingSettings);
  const saveSettings = useApp((s) => s.saveSettings);
  const dataDir = useApp((s) => s.provider?.dataDir);
  const token = useApp((s) => s.provider?.network.network?.tokenSymbol ?? s.provider?.earnings.token?.symbol ?? 'payout tokens');
  if (!settings) return <div className="panel muted">Loading settings…</div>;
  return (
    <div className="page">
      <header className="page-head">
        <h1>Settings</h1>
        <p className="muted">Changes are saved as soon as you make them.</p>
      </header>
      <section className="panel">
        <h2>General</h2>
        <ul className="toggle-list">
          {GENERAL_OPTIONS.map((option) => (
            <li key={option.key}>
              <label className="toggle">
                <input
                  type="checkbox"
                  name={option.key}
                  checked={settings.general[option.key]}
                  disabled={saving}
                  onChange={(event) => void saveSettings({ general: { [option.key]: event.target.checked } })}
                />
                <span>
                  <span className="toggle-label">{option.label}</span>
                  <span className="muted small">{option.help}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      </section>
      <ElectricitySection electricity={settings.electricity} token={token} />
      <SetupSection />
      <section className="panel">
        <h2>Where your data lives</h2>
        <p className="muted small">Settings, keys and job records are stored in this folder on this PC.</p>
        <code className="path" data-testid="data-dir">
          {dataDir}
        </code>
      </section>
      <LogsSection />
      <AboutSection />
    </div>
  );
}
