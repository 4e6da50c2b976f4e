import { EmptyState } from '../../components/EmptyState.js';

export function JobsPage() {
  return (
    <div className="page">
      <header className="page-head">
        <h1>Jobs</h1>
        <p className="muted">Paid work runs here in sealed containers that cannot see your files.</p>
      </header>
      <EmptyState title="Not set up yet" testId="jobs-empty">
        <p>No job runner is set up yet, so no work has run on this PC.</p>
      </EmptyState>
    </div>
  );
}
