import { EmptyState } from '../../components/EmptyState.js';

export function EarningsPage() {
  return (
    <div className="page">
      <header className="page-head">
        <h1>Earnings</h1>
        <p className="muted">What your GPU has earned, second by second.</p>
      </header>
      <EmptyState title="Not set up yet" testId="earnings-empty">
        <p>Nothing earned yet. Earnings appear here once your PC has done paid work.</p>
      </EmptyState>
    </div>
  );
}
