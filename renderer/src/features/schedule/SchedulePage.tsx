import { EmptyState } from '../../components/EmptyState.js';

export function SchedulePage() {
  return (
    <div className="page">
      <header className="page-head">
        <h1>Schedule</h1>
        <p className="muted">Choose when your PC may earn</p>
      </header>
      <EmptyState title="Not set up yet" testId="schedule-empty">
        <p> only while you are away, inside the hours you pick, never while you game.:Scheduling is not set up yet. Until it is, Offhours never runs work on this PC.</p>
      </EmptyState>
    </div>
  );
}
