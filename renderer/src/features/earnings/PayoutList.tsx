import type { PayoutRow } from './earnings-view.js';

const VERDICT = { ok: 'verdict-ok', info: 'verdict-info', bad: 'verdict-bad' } as const;

/** What the app's own check made of a receipt or payout: ✓, … or ⚠ with the words, and why on hover. */
export function Mark({ tone, label, explain }: { tone: keyof typeof VERDICT; label: string; explain: string }) {
  return (
    <span className={`verdict ${VERDICT[tone]}`} title={explain}>
      {tone === 'ok' ? '✓ ' : tone === 'bad' ? '⚠ ' : ''}
      {label}
    </span>
  );
}

/** Payouts with their transaction, the on-chain check and an explorer link (the Earnings and Wallet pages). */
export function PayoutList({ rows, rowTestId }: { rows: PayoutRow[]; rowTestId: string }) {
  return (
    <ul className="payout-list">
      {rows.map((row) => (
        <li key={row.id} className="payout-row" data-testid={rowTestId} data-chain={row.chain}>
          <span className="amount">{row.amount}</span>
          <span className="muted small">{new Date(row.createdAt).toLocaleString()}</span>
          <code className="small" title={row.signature ?? undefined}>
            {row.shortSignature ?? 'no transaction yet'}
          </code>
          <Mark tone={row.tone} label={row.label} explain={row.explain} />
          {row.link && (
            <a href={row.link} target="_blank" rel="noreferrer noopener" className="small">
              View on explorer
            </a>
          )}
          {row.tone === 'bad' && <div className="warning-text payout-warning">{row.explain}</div>}
        </li>
      ))}
    </ul>
  );
}
