import { EmptyState } from '../../components/EmptyState.js';

export function WalletPage() {
  return (
    <div className="page">
      <header className="page-head">
        <h1>Wallet</h1>
        <p className="muted">Where your earnings are paid out, on Solana.</p>
      </header>
      <EmptyState title="Not set up yet" testId="wallet-empty">
        <p>No payout wallet is set up yet. You will be able to add one here before your first payout.</p>
      </EmptyState>
    </div>
  );
}
