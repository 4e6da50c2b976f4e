import { useEffect, useRef, useState } from 'react';
import type { PauseRequest } from '../../../../protocol/availability.js';
import { NIGHT_HOURS, NIGHT_WINDOW_TEXT } from '../../../../protocol/setup.js';
import { useApp } from '../../stores/app-store.js';
import { CELLS_PER_DAY, DAYS, cellLabel, everyDay, hoursChosen, paintRect } from './grid.js';

const IDLE_CHOICES = [1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120];
const TEMP_CHOICES = [70, 72, 75, 78, 80, 83, 85, 87, 90];

function RightNow() {
  const availability = useApp((s) => s.provider?.availability ?? null);
  const api = useApp((s) => s.api);
  const showError = useApp((s) => s.showError);
  const paused = useApp((s) => s.settings?.schedule.pausedUntil ?? null) !== null;
  const loadSettings = useApp((s) => s.loadSettings);
  const [busy, setBusy] = useState(false);
  const act = async (run: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await run();
      await loadSettings();
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };
  const pause = (request: PauseRequest) => act(() => api.pauseEarning(request));
  return (
    <section className={`panel right-now right-now-${availability?.state ?? 'starting'}`} aria-live="polite">
      <span className="stat-label">Right now</span>
      <p className="right-now-text" data-testid="right-now">
        {availability?.now ?? 'Checking whether you are at your PC…'}
      </p>
      {availability?.next ? (
        <p className="next" data-testid="right-next">
          {availability.next}
        </p>
      ) : null}
      <div className="quick-actions">
        {paused ? (
          <button type="button" className="primary" disabled={busy} onClick={() => void act(() => api.resumeEarning())}>
            Resume earning
          </button>
        ) : null}
        <button type="button" disabled={busy} onClick={() => void pause({ kind: 'for', minutes: 60 })}>
          Pause for 1 hour
        </button>
        <button type="button" disabled={busy} onClick={() => void pause({ kind: 'until-tomorrow' })}>
          Pause until tomorrow
        </button>
        <button type="button" disabled={busy} onClick={() => void pause({ kind: 'until-resume' })}>
          Pause until I resume
        </button>
      </div>
    </section>
  );
}

function WeekGrid({ grid, onChange }: { grid: string; onChange(grid: string): void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const drag = useRef<{ from: number; on: boolean; base: string } | null>(null);
  const shown = draft ?? grid;

  useEffect(() => {
    const finish = () => {
      if (!drag.current) return;
      drag.current = null;
      setDraft((current) => {
        if (current !== null && current !== grid) onChange(current);
        return null;
      });
    };
    window.addEventListener('pointerup', finish);
    return () => window.removeEventListener('pointerup', finish);
  }, [grid, onChange]);

  const start = (index: number) => {
    const on = shown[index] !== '1';
    drag.current = { from: index, on, base: shown };
    setDraft(paintRect(shown, index, index, on));
  };
  const extend = (index: number) => {
    const d = drag.current;
    if (d) setDraft(paintRect(d.base, d.from, index, d.on));
  };

  return (
    <div className="week-grid" role="grid" aria-label="Hours when this PC may earn" data-testid="week-grid" onDragStart={(e) => e.preventDefault()}>
      <div className="week-hours" aria-hidden="true">
        <span />
        {Array.from({ length: 24 }, (_, h) => (
          <span key={h}>{h % 3 === 0 ? String(h).padStart(2, '0') : ''}</span>
        ))}
      </div>
      {DAYS.map((day, d) => (
        <div className="week-row" role="row" key={day}>
          <span className="week-day">{day}</span>
          {Array.from({ length: CELLS_PER_DAY }, (_, c) => {
            const index = d * CELLS_PER_DAY + c;
            const on = shown[index] === '1';
            return (
              <span
                key={c}
                role="gridcell"
                aria-selected={on}
                aria-label={cellLabel(index)}
                title={cellLabel(index)}
                data-cell={index}
                className={`week-cell${on ? ' on' : ''}${c % 2 === 0 ? ' hour-start' : ''}`}
                onPointerDown={(event) => {
                  event.preventDefault();
                  (event.target as Element).releasePointerCapture?.(event.pointerId);
                  start(index);
                }}
                onPointerEnter={() => extend(index)}
              />
            );
          })}
        </div>
      ))}
    </div>
  );
}

export function SchedulePage() {
  const settings = useApp((s) => s.settings);
  const saving = useApp((s) => s.savingSettings);
  const saveSettings = useApp((s) => s.saveSettings);
  if (!settings) return <div className="panel muted">Loading your schedule…</div>;
  const schedule = settings.schedule;
  const save = (patch: Partial<typeof schedule>) => void saveSettings({ schedule: patch });
  return (
    <div className="page">
      <header className="page-head">
        <h1>Schedule</h1>
        <p className="muted">Your PC earns only while you are away, inside the hours you pick — and never while you game.</p>
      </header>
      <RightNow />
      <section className="panel">
        <div className="panel-head">
          <h2>When may this PC earn?</h2>
          <span className="muted small" data-testid="hours-chosen">
            {hoursChosen(schedule.weeklyGrid)} hours a week
          </span>
        </div>
        <p className="muted small">Click or drag across the grid to switch half-hours on (green) or off. Times are this PC's local time.</p>
        <WeekGrid grid={schedule.weeklyGrid} onChange={(weeklyGrid) => save({ weeklyGrid })} />
        <div className="quick-actions">
          <button type="button" onClick={() => save({ weeklyGrid: everyDay(0, 24) })}>
            Any time
          </button>
          <button type="button" onClick={() => save({ weeklyGrid: everyDay(NIGHT_HOURS.fromHour, NIGHT_HOURS.toHour) })}>
            Nights ({NIGHT_WINDOW_TEXT})
          </button>
          <button type="button" onClick={() => save({ weeklyGrid: everyDay(9, 17) })}>
            Work hours (09:00–17:00)
          </button>
          <button type="button" onClick={() => save({ weeklyGrid: '0'.repeat(schedule.weeklyGrid.length) })}>
            Clear all
          </button>
        </div>
      </section>
      <section className="panel">
        <h2>Rules</h2>
        <div className="rule-fields">
          <label className="field">
            <span className="toggle-label">Start after I have been away for</span>
            <select name="idleMinutes" value={schedule.idleMinutes} disabled={saving} onChange={(e) => save({ idleMinutes: Number(e.target.value) })}>
              {[...new Set([...IDLE_CHOICES, schedule.idleMinutes])].sort((a, b) => a - b).map((m) => (
                <option key={m} value={m}>
                  {m} minute{m === 1 ? '' : 's'}
                </option>
              ))}
            </select>
            <span className="muted small">Mouse, keyboard and (where your system reports it) controller input count as "here".</span>
          </label>
          <label className="field">
            <span className="toggle-label">Cool down when the GPU reaches</span>
            <select name="maxGpuTempC" value={schedule.maxGpuTempC} disabled={saving} onChange={(e) => save({ maxGpuTempC: Number(e.target.value) })}>
              {[...new Set([...TEMP_CHOICES, schedule.maxGpuTempC])].sort((a, b) => a - b).map((t) => (
                <option key={t} value={t}>
                  {t} °C
                </option>
              ))}
            </select>
            <span className="muted small">Work resumes once it is 5 °C cooler.</span>
          </label>
        </div>
        <ul className="toggle-list">
          <li>
            <label className="toggle">
              <input type="checkbox" name="allowWhileActive" checked={schedule.allowWhileActive} disabled={saving} onChange={(e) => save({ allowWhileActive: e.target.checked })} />
              <span>
                <span className="toggle-label">Also earn while I'm using the PC — but never while I'm gaming</span>
                <span className="muted small">For browsing and office work. Games, launchers and other programs using the GPU still pause work at once.</span>
              </span>
            </label>
          </li>
          <li>
            <label className="toggle">
              <input type="checkbox" name="pauseOnBattery" checked={schedule.pauseOnBattery} disabled={saving} onChange={(e) => save({ pauseOnBattery: e.target.checked })} />
              <span>
                <span className="toggle-label">Pause when running on battery</span>
                <span className="muted small">Laptops only; a desktop is never on battery.</span>
              </span>
            </label>
          </li>
          <li>
            <label className="toggle">
              <input type="checkbox" name="dedicatedRig" checked={schedule.dedicatedRig} disabled={saving} onChange={(e) => save({ dedicatedRig: e.target.checked })} />
              <span>
                <span className="toggle-label">This is a dedicated rig — nobody uses it</span>
                <span className="muted small">Offhours then treats the PC as always idle. Games and the hours above still apply.</span>
              </span>
            </label>
          </li>
        </ul>
      </section>
      <GuardSettings />
    </div>
  );
}

const GRACE_CHOICES = [15, 30, 60, 120, 300, 600];

function GuardSettings() {
  const schedule = useApp((s) => s.settings?.schedule);
  const saving = useApp((s) => s.savingSettings);
  const saveSettings = useApp((s) => s.saveSettings);
  const [draft, setDraft] = useState('');
  if (!schedule) return null;
  const games = schedule.extraGameExecutables;
  const addGame = () => {
    const name = draft.trim();
    if (!name || games.includes(name)) return;
    void saveSettings({ schedule: { extraGameExecutables: [...games, name] } });
    setDraft('');
  };
  return (
    <section className="panel">
      <h2>Gamer guard</h2>
      <p className="muted small">
        Work pauses the moment a known game, a launcher game or another program uses the GPU. Add games Offhours does not know yet by their program name.
      </p>
      <div className="game-list" data-testid="extra-games">
        {games.length === 0 ? <span className="muted small">No extra games added.</span> : null}
        {games.map((game) => (
          <span className="game-chip" key={game}>
            {game}
            <button type="button" className="link" aria-label={`Remove ${game}`} disabled={saving} onClick={() => void saveSettings({ schedule: { extraGameExecutables: games.filter((g) => g !== game) } })}>
              ×
            </button>
          </span>
        ))}
      </div>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          addGame();
        }}
      >
        <input name="extraGame" placeholder="e.g. MyIndieGame.exe" value={draft} maxLength={260} onChange={(e) => setDraft(e.target.value)} aria-label="Program name of a game" />
        <button type="submit" disabled={saving || !draft.trim()}>
          Add game
        </button>
      </form>
      <div className="rule-fields">
        <label className="field">
          <span className="toggle-label">Pause hotkey</span>
          <input
            name="panicHotkey"
            defaultValue={schedule.panicHotkey}
            maxLength={64}
            onBlur={(e) => e.target.value !== schedule.panicHotkey && void saveSettings({ schedule: { panicHotkey: e.target.value.trim() } })}
          />
          <span className="muted small">Desktop app only. Pauses earning until you resume, from inside any game.</span>
        </label>
        <label className="field">
          <span className="toggle-label">Stop a paused job when I stay for</span>
          <select name="yieldGraceSeconds" value={schedule.yieldGraceSeconds} disabled={saving} onChange={(e) => void saveSettings({ schedule: { yieldGraceSeconds: Number(e.target.value) } })}>
            {[...new Set([...GRACE_CHOICES, schedule.yieldGraceSeconds])].sort((a, b) => a - b).map((s) => (
              <option key={s} value={s}>
                {s < 120 ? `${s} seconds` : `${s / 60} minutes`}
              </option>
            ))}
          </select>
          <span className="muted small">The job is frozen at once either way; stopping frees the GPU's memory.</span>
        </label>
      </div>
    </section>
  );
}
