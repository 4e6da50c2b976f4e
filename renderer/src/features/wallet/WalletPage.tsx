import { useState } from 'react';
import { EXPORT_WARNING, type WalletSecretExport } from '../../../../protocol/wallet.js';
import { errorToBanner } from '../../stores/ui-slice.js';
import { useApp } from '../../stores/app-store.js';
import { earningsView, type PayoutRow } from '../earnings/earnings-view.js';
import { PayoutList } from '../earnings/PayoutList.js';
import { addressInputError, walletView, type WalletView } from './wallet-view.js';


/** Runs one wallet action at a time; its failure is shown beside the form (plain words and what to do), not in a banner. */
function useWalletAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (caught) {
      const banner = errorToBanner(caught);
      setError(banner.nextStep ? `${banner.message} ${banner.nextStep}` : banner.message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

function AddressPanel({ view }: { view: WalletView }) {
  if (!view.address) {
    return (
      <section className="panel" data-testid="wallet-none">
        <h2>No payout wallet yet</h2>
        <p className="muted">Paste the address of a Solana wallet you hold, or create one on this PC. Earnings are paid to it.</p>
      </section>
    );
  }
  return (
    <section className="panel" aria-labelledby="wallet-address-title">
      <h2 id="wallet-address-title">Payout address</h2>
      <code className="path" data-testid="wallet-address">
        {view.address}
      </code>
      <p className="muted small">
        {view.origin}
        {view.explorer && (
          <>
            {' · '}
            <a href={view.explorer} target="_blank" rel="noreferrer noopener">
              View on explorer
            </a>
          </>
        )}
      </p>
      {view.problem && <p className="warning-text">{view.problem}</p>}
    </section>
  );
}

function Balances({ view }: { view: WalletView }) {
  const api = useApp((s) => s.api);
  const { busy, error, run } = useWalletAction();
  return (
    <section className="panel" aria-labelledby="wallet-balances-title">
      <div className="panel-head">
        <h2 id="wallet-balances-title">Balances</h2>
        <button type="button" disabled={busy || view.refreshing || !view.address} onClick={() => void run(() => api.refreshWallet())}>
          {view.refreshing ? 'Reading…' : 'Refresh'}
        </button>
      </div>
      <div className="stat-row">
        <div className="stat">
          <span className="stat-label">SOL</span>
          <span className="stat-value small" data-testid="wallet-sol-balance">
            {view.sol}
          </span>
        </div>
        <div className="stat">
          <span className="stat-label">{view.tokenLabel}</span>
          <span className="stat-value small" data-testid="wallet-token-balance">
            {view.token}
          </span>
        </div>
      </div>
      <p className="muted small">{view.balanceNote}</p>
      {(view.balanceError ?? error) && <p className="warning-text">{view.balanceError ?? error}</p>}
    </section>
  );
}

function SetOrCreate({ current }: { current: string | null }) {
  const api = useApp((s) => s.api);
  const loadSettings = useApp((s) => s.loadSettings);
  const [text, setText] = useState('');
  const { busy, error, setError, run } = useWalletAction();
  const save = async () => {
    const problem = addressInputError(text);
    if (problem) return setError(problem);
    if (await run(() => api.setWalletAddress(text))) {
      setText('');
      await loadSettings();
    }
  };
  const create = async () => {
    // Creating replaces where payouts go: say so when an address is already set.
    if (current && !window.confirm(`Payouts will go to the new wallet instead of ${current}. Create a new wallet?`)) return;
    if (await run(() => api.createWallet())) await loadSettings();
  };
  return (
    <section className="panel" aria-labelledby="wallet-set-title">
      <h2 id="wallet-set-title">{current ? 'Change the payout wallet' : 'Set up your payout wallet'}</h2>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <input data-testid="wallet-set-input" aria-label="Solana address" placeholder="Paste a Solana address" value={text} spellCheck={false} autoComplete="off" onChange={(event) => setText(event.target.value)} />
        <button type="submit" className="primary" disabled={busy || !text.trim()}>
          Save address
        </button>
      </form>
      <p className="muted small">
        Or{' '}
        <button type="button" className="link" data-testid="wallet-create" disabled={busy} onClick={() => void create()}>
          create a wallet on this PC
        </button>
        : its secret key is sealed in the data folder and never leaves it unless you export it.
      </p>
      {error && (
        <p className="warning-text" role="alert" data-testid="wallet-error">
          {error}
        </p>
      )}
    </section>
  );
}

/** Export behind an explicit confirmation; the secret lives only in this component's state, gone when hidden or left. */
export function ExportKey({ view }: { view: WalletView }) {
  const api = useApp((s) => s.api);
  const [confirming, setConfirming] = useState(false);
  const [understood, setUnderstood] = useState(false);
  const [secret, setSecret] = useState<WalletSecretExport | null>(null);
  const { busy, error, run } = useWalletAction();
  if (!view.canExport) return null;
  const reveal = () => run(async () => setSecret(await api.exportWalletSecret({ confirm: true })));
  const hide = () => {
    setSecret(null);
    setConfirming(false);
    setUnderstood(false);
  };
  return (
    <section className={`panel${view.reminder ? ' right-now-cooling' : ''}`} data-testid={view.reminder ? 'wallet-backup-reminder' : 'wallet-secret-panel'} aria-labelledby="wallet-export-title">
      <h2 id="wallet-export-title">{view.reminder ? 'Back up your wallet' : 'Secret key'}</h2>
      {view.reminder && <p className="warning-text">{view.reminder}</p>}
      {secret ? (
        <>
          <p className="warning-text">{EXPORT_WARNING}</p>
          <textarea className="jobs-spec" readOnly rows={4} value={JSON.stringify(secret.secretKey)} data-testid="wallet-secret" />
          <div className="quick-actions">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(JSON.stringify(secret.secretKey))}>
              Copy
            </button>
            <button type="button" className="primary" onClick={hide}>
              Hide it
            </button>
          </div>
        </>
      ) : confirming ? (
        <>
          <label className="toggle">
            <input type="checkbox" checked={understood} onChange={(event) => setUnderstood(event.target.checked)} />
            <span>I understand that anyone who sees this key can spend everything in the wallet.</span>
          </label>
          <div className="quick-actions">
            <button type="button" className="primary" disabled={!understood || busy} onClick={() => void reveal()} data-testid="wallet-export-confirm">
              Show the secret key
            </button>
            <button type="button" onClick={hide}>
              Cancel
            </button>
          </div>
        </>
      ) : (
        <div className="quick-actions">
          <button type="button" onClick={() => setConfirming(true)} data-testid="wallet-export">
            Export the secret key…
          </button>
        </div>
      )}
      {error && <p className="warning-text">{error}</p>}
    </section>
  );
}

function Payouts({ rows }: { rows: PayoutRow[] }) {
  return (
    <section className="panel" data-testid="wallet-payouts" aria-labelledby="wallet-payouts-title">
      <h2 id="wallet-payouts-title">Payouts to this PC</h2>
      {rows.length === 0 ? (
        <p className="muted">No payouts yet. Payable earnings are sent to your wallet on the network’s schedule.</p>
      ) : (
        <PayoutList rows={rows} rowTestId="wallet-payout-row" />
      )}
    </section>
  );
}

/** Where earnings are paid: the address (pasted or created here), its balances, the backup, and the payouts with their checks. */
export function WalletPage() {
  const slice = useApp((s) => s.provider?.wallet ?? null);
  const earnings = useApp((s) => s.provider?.earnings ?? null);
  const network = useApp((s) => s.provider?.network.network ?? null);
  // The payout rows do not depend on the time (only the Earnings page's countdown does).
  const [now] = useState(() => Date.now());
  if (!slice) return <div className="panel muted">Loading the wallet…</div>;
  const view = walletView(slice);
  const payouts = earnings ? earningsView(earnings, network, now).payouts : [];
  return (
    <div className="page">
      <header className="page-head">
        <h1>Wallet</h1>
        <p className="muted">Where your earnings are paid out, on Solana.</p>
      </header>
      <ExportKey view={view} />
      <AddressPanel view={view} />
      {view.address && <Balances view={view} />}
      <SetOrCreate current={view.address} />
      {view.address && <Payouts rows={payouts} />}
    </div>
  );
}
