import { UserFacingError } from '../../../protocol/errors.js';
import type { Settings, SettingsPatch } from '../../../protocol/settings.js';
import { setupCompletionPatch, type CompleteSetupRequest } from '../../../protocol/setup.js';
import { isSolanaAddress } from '../../../protocol/solana/address.js';
import type { Clock } from '../ports.js';

export interface SetupSettings {
  get(): Settings;
  update(patch: SettingsPatch): Settings;
}

/**
 * Finishes the first-run setup (ProviderApi.completeSetup, and `offhours setup` on a data folder): applies the chosen
 * preset and records it, in one settings write. Refused while no payout wallet is set, because "done" must mean the
 * PC can be paid for what it earns; the benchmark is not required (a failed or skipped one can run later).
 */
export function completeSetup(settings: SetupSettings, request: CompleteSetupRequest, clock: Clock): Settings {
  const address = settings.get().wallet.payoutAddress;
  if (address === null) {
    throw new UserFacingError('setup-needs-wallet', 'Setup needs a payout wallet before it can finish: your earnings have to go somewhere.', 'Paste your Solana address, or create a wallet on this PC, then finish setup.');
  }
  if (!isSolanaAddress(address)) {
    throw new UserFacingError('setup-needs-wallet', 'The payout address in your settings is not a Solana address, so nothing could be paid to it.', 'Paste your Solana address again, or create a wallet on this PC, then finish setup.');
  }
  return settings.update(setupCompletionPatch(request.schedulePreset, new Date(clock.now()).toISOString(), request.launchAtLogin));
}
