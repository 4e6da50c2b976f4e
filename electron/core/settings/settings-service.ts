import { applySettingsPatch, pausedUntilProblem, type Settings, type SettingsPatch } from '../../../protocol/settings.js';
import { requireSolanaAddress } from '../../../protocol/solana/address.js';
import type { Notice } from '../../../protocol/state.js';
import type { SettingsLoadResult, SettingsStore } from '../ports.js';

type Listener = (settings: Settings) => void;

/**
 * A payout address set by the owner must be one Solana can pay (base58 of 32 bytes), trimmed; it is refused in
 * plain words otherwise. Loading stays lenient: a hand-edited file is shown with its problem, not thrown away.
 */
function withCheckedPayoutAddress(patch: SettingsPatch, current: Settings): SettingsPatch {
  const address = patch.wallet?.payoutAddress;
  // An unchanged value passes: a page that sends back the whole section must not trip over an old hand edit.
  if (typeof address !== 'string' || address === current.wallet.payoutAddress) return patch;
  return { ...patch, wallet: { ...patch.wallet, payoutAddress: requireSolanaAddress(address) } };
}

/** A pause is an ISO time at most a year ahead, 'forever' or null; the schema checks the form, this the horizon (it needs the clock). */
function checkPausedUntil(patch: SettingsPatch, now: number): void {
  const value = patch.schedule?.pausedUntil;
  if (value === undefined) return;
  const problem = pausedUntilProblem(value, now);
  if (problem) throw new Error(`The pause end ${JSON.stringify(String(value).slice(0, 40))} ${problem}.`);
}

/** Holds the current settings in memory, validates every change and writes it through the store. */
export class SettingsService {
  private current: Settings;
  /** Orders the pushes of settings (see SettingsPushSchema): starts at the clock, so a restart never counts backwards. */
  private revisionCounter: number;
  private readonly listeners = new Set<Listener>();
  readonly loadResult: SettingsLoadResult;

  constructor(
    private readonly store: SettingsStore,
    private readonly now: () => number = Date.now,
  ) {
    this.loadResult = store.load();
    this.current = this.loadResult.settings;
    this.revisionCounter = Math.max(0, Math.floor(this.now()));
  }

  /** The revision of the current settings; it grows with every change. */
  get revision(): number {
    return this.revisionCounter;
  }

  get(): Settings {
    return this.current;
  }

  update(patch: SettingsPatch): Settings {
    checkPausedUntil(patch, this.now());
    const next = applySettingsPatch(this.current, withCheckedPayoutAddress(patch, this.current));
    this.store.save(next);
    this.current = next;
    this.revisionCounter = Math.max(this.revisionCounter + 1, Math.floor(this.now()));
    for (const listener of this.listeners) listener(next);
    return next;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The notice the UI shows when the settings file had to be moved aside. */
  startupNotice(): Notice | null {
    const quarantined = this.loadResult.quarantined;
    const reset = this.loadResult.fieldsReset;
    if (!quarantined && reset) {
      const fields = reset.fields.map((entry) => `${entry.field} (${entry.reason})`).join('; ');
      return {
        id: 'settings-fields-reset',
        level: 'warning',
        title: 'Some settings were reset',
        message: `These settings held values Offhours no longer accepts and are back to their defaults: ${fields}. A copy of the file as it was is at ${reset.copyAt}.`,
        nextStep: 'Check the Schedule, Network and Wallet pages and set these again if you need them.',
      };
    }
    if (!quarantined) return null;
    return {
      id: 'settings-reset',
      level: 'warning',
      title: 'Your settings were reset',
      message: `Offhours could not read its settings file (${quarantined.reason}), so it started with the default settings. Your old file was kept at ${quarantined.movedTo}.`,
      nextStep: 'Check your schedule and wallet settings; you can copy values from the old file.',
    };
  }
}
