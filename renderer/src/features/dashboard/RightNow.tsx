import { useApp } from '../../stores/app-store.js';

const TONE: Record<string, string> = { working: 'good', available: 'good', cooling: 'warn', yielding: 'warn', off: 'muted', waiting: 'muted' };

/** The scheduler's plain-words answer to "is my PC earning, and if not, why and until when". */
export function RightNow() {
  const availability = useApp((s) => s.provider?.availability ?? null);
  return (
    <section className={`panel right-now tone-${availability ? (TONE[availability.state] ?? 'muted') : 'muted'}`} data-testid="dashboard-right-now">
      <span className="stat-label">Right now</span>
      <h2>{availability ? availability.now : 'Starting the scheduler…'}</h2>
      {availability?.next && <p className="muted">{availability.next}</p>}
      <p className="small">
        <a href="#/schedule">Change when this PC may earn →</a>
      </p>
    </section>
  );
}
