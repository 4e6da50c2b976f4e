import { useState } from 'react';
import { errorToBanner } from '../../stores/ui-slice.js';
import { useApp } from '../../stores/app-store.js';
import { ExportKey } from '../wallet/WalletPage.js';
import { walletView } from '../wallet/wallet-view.js';
import { ContinueButton, StepNav } from './StepNav.js';

/** Paste or create; the API checks a pasted address and its refusal is shown here, word for word, with nothing saved. */
function PasteOrCreate({ current }: { current: string | null }) {
  const api = useApp((s) => s.api);
  const loadSettings = useApp((s) => s.loadSettings);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setText('');
      await loadSettings();
    } catch (caught) {
      const refusal = errorToBanner(caught);
      setError(refusal.nextStep ? `${refusal.message} ${refusal.nextStep}` : refusal.message);
    } finally {
      setBusy(false);
    }
  };
  const create = () => {
    // Creating replaces where payouts go: say so when an address is already set.
    if (current && !window.confirm(`Payouts will go to the new wallet instead of ${current}. Create a new wallet?`)) return;
    void run(() => api.createWallet());
  };
  return (
    <div className="setup-wallet-choice">
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void run(() => api.setWalletAddress(text));
        }}
      >
        <input data-testid="setup-wallet-input" aria-label="Solana address" placeholder="Paste a Solana address" value={text} spellCheck={false} autoComplete="off" onChange={(event) => setText(event.target.value)} />
        <button type="submit" className={current ? undefined : 'primary'} disabled={busy || !text.trim()}>
          Use this address
        </button>
      </form>
      {error && (
        <p className="setup-error" role="alert" data-testid="setup-wallet-error">
          {error}
        </p>
      )}
      <div className="setup-or">
        <span className="muted">{current ? 'Or' : 'No wallet yet?'}</span>
        <button type="button" data-testid="setup-wallet-create" disabled={busy} onClick={create}>
          Create one on this PC
        </button>
        <span className="muted small">Its secret key is sealed in the data folder and never leaves it unless you export it.</span>
      </div>
    </div>
  );
}

/** Step 3: where earnings are paid. A wallet created here comes with the Wallet page's backup reminder and export. */
export function WalletStep() {
  const slice = useApp((s) => s.provider?.wallet ?? null);
  const view = slice ? walletView(slice) : null;
  const ready = Boolean(view?.address && !view.problem);
  return (
    <>
      <h2>Where should your earnings go?</h2>
      <p className="setup-lead">Earnings are paid on Solana, to a wallet you hold. Paste the address of one you have (Phantom, Solflare, Backpack…), or create one here.</p>
      {view?.address && (
        <div className="setup-wallet-set" data-testid="setup-wallet-set">
          <span className="stat-label ok-text">✓ Payouts go to</span>
          <code className="path" data-testid="setup-wallet-address">
            {view.address}
          </code>
          <span className="muted small">{view.origin}</span>
          {view.problem && <p className="warning-text">{view.problem}</p>}
        </div>
      )}
      {view?.reminder && <ExportKey view={view} />}
      {view?.address && <h3 className="setup-subhead">Use a different wallet</h3>}
      <PasteOrCreate current={view?.address ?? null} />
      <StepNav>
        {!ready && <span className="muted small">Set a wallet to go on.</span>}
        <ContinueButton disabled={!ready} />
      </StepNav>
    </>
  );
}
