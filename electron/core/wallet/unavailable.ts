import { UserFacingError } from '../../../protocol/errors.js';
import type { WalletServiceDeps } from './wallet-service.js';

const unavailable = () =>
  new UserFacingError('wallet-unavailable', 'This copy of Offhours cannot keep a wallet key or read balances.', 'Run "offhours headless" or the desktop app, or paste the address of a wallet you hold.');

/** For minimal setups (tests, tools): no key was created here, and creating, exporting or reading balances says why not. */
export function noWalletPorts(): Pick<WalletServiceDeps, 'keys' | 'balances'> {
  return {
    keys: {
      current: () => null,
      save: async () => Promise.reject(unavailable()),
      openSeed: async () => Promise.reject(unavailable()),
      markExported: () => {
        throw unavailable();
      },
    },
    balances: { read: async () => Promise.reject(unavailable()) },
  };
}
