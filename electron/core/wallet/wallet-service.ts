import { UserFacingError } from '../../../protocol/errors.js';
import { isSolanaAddress, requireSolanaAddress } from '../../../protocol/solana/address.js';
import type { Settings, SettingsPatch } from '../../../protocol/settings.js';
import type { EarningsSlice, Notice } from '../../../protocol/state.js';
import type { WalletBalances, WalletChain, WalletSecretExport, WalletSlice } from '../../../protocol/wallet.js';
import type { Clock, Logger } from '../ports.js';
import { addressOfSeed, newWalletSeed, solanaCliKeypair } from './keypair.js';
import type { BalanceRequest, CreatedWallet, WalletBalanceReader, WalletKeyStore } from './ports.js';
import { walletChainOf, walletSlice } from './slice.js';

export interface WalletServiceDeps {
  settings: { get(): Settings; update(patch: SettingsPatch): Settings; onChange(listener: (settings: Settings) => void): () => void };
  keys: WalletKeyStore;
  balances: WalletBalanceReader;
  clock: Clock;
  logger: Logger;
  /** Shows a notice to the owner (a damaged key file); absent in the CLI, which prints errors itself. */
  notify?(notice: Notice): void;
  /** Key generation (tests pass a fixed one). */
  newSeed?: () => Uint8Array;
}

const NO_BALANCES: WalletBalances = { lamports: null, tokenBaseUnits: null, fetchedAt: null, refreshing: false, error: null };
/** The RPC's own words are kept, but a runaway error page is not. */
const MAX_RPC_WORDS = 300;

function sameRequest(a: BalanceRequest | null, b: BalanceRequest | null): boolean {
  return a?.rpcUrl === b?.rpcUrl && a?.owner === b?.owner && a?.mint === b?.mint;
}

/** How many payouts the chain has confirmed: when it grows, the wallet's balance changed. */
function confirmedPayouts(earnings: Pick<EarningsSlice, 'payouts'>): number {
  return earnings.payouts.filter((entry) => entry.chain === 'verified').length;
}

/**
 * The payout wallet (issue 10): the owner pastes an address or creates a wallet here. A created wallet's secret
 * key is sealed at rest like the device key, leaves only through an explicit export, and is never part of the
 * state, a log or an error. Balances are read over the network's Solana RPC when the service starts, when the
 * address or the chain changes, when a payout is confirmed, and on request; never on a timer.
 */
export class WalletService {
  private created: CreatedWallet | null;
  private chain: WalletChain | null = null;
  private token: WalletSlice['token'] = null;
  private confirmed = 0;
  private balances: WalletBalances = NO_BALANCES;
  private slice: WalletSlice;
  private reading: Promise<void> | null = null;
  private started = false;
  private readonly listeners = new Set<(slice: WalletSlice) => void>();

  constructor(private readonly deps: WalletServiceDeps) {
    this.created = this.loadCreated();
    this.slice = this.compute();
    let address = this.address();
    deps.settings.onChange(() => {
      if (this.address() === address) return;
      address = this.address();
      this.balances = NO_BALANCES; // the figures belonged to the old address
      this.changed();
      this.readIfStarted();
    });
  }

  state(): WalletSlice {
    return this.slice;
  }

  onChange(listener: (slice: WalletSlice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the balances now, and from here on whenever something changes. */
  start(): void {
    this.started = true;
    this.readIfStarted();
  }

  stop(): void {
    this.started = false;
  }

  /** A pasted address becomes the payout address; anything but base58 of 32 bytes is refused in plain words. */
  setAddress(text: string): WalletSlice {
    this.deps.settings.update({ wallet: { payoutAddress: requireSolanaAddress(text) } });
    return this.slice;
  }

  /** A new wallet whose secret key is sealed on this PC; it becomes the payout address. */
  async create(): Promise<WalletSlice> {
    const previous = this.loadCreated();
    if (previous && previous.exportedAt === null) {
      throw new UserFacingError(
        'wallet-not-backed-up',
        `The wallet already created on this PC (${previous.address}) was never backed up, and a new one would take its place.`,
        'Export its secret key first (Export on the Wallet page, or "offhours wallet export --yes"), then create a new wallet.',
      );
    }
    const seed = (this.deps.newSeed ?? newWalletSeed)();
    try {
      this.created = await this.deps.keys.save(seed, addressOfSeed(seed), new Date(this.deps.clock.now()));
    } finally {
      seed.fill(0);
    }
    this.deps.logger.info('created a wallet on this PC', { address: this.created.address });
    this.deps.settings.update({ wallet: { payoutAddress: this.created.address } });
    this.changed(); // the address may have been this one already (set by hand)
    return this.slice;
  }

  /** The created wallet's secret key in the Solana CLI's format; the caller has the owner's explicit confirmation. */
  async exportSecret(): Promise<WalletSecretExport> {
    const seed = await this.deps.keys.openSeed();
    try {
      const secretKey = solanaCliKeypair(seed);
      this.created = this.deps.keys.markExported(new Date(this.deps.clock.now()));
      this.deps.logger.info('the wallet secret key was exported for a backup', { address: this.created.address });
      this.changed();
      return { address: this.created.address, format: 'solana-cli-keypair', secretKey };
    } finally {
      seed.fill(0);
    }
  }

  /** Reads the balances again now (joins a read under way). */
  async refresh(): Promise<WalletSlice> {
    await this.readBalances();
    return this.slice;
  }

  /** The earnings book's chain (where the network pays), token and payouts: balances follow them. */
  followEarnings(earnings: Pick<EarningsSlice, 'chain' | 'token' | 'payouts'>): void {
    const chain = walletChainOf(earnings);
    const chainMoved = JSON.stringify(chain) !== JSON.stringify(this.chain);
    const paid = confirmedPayouts(earnings) > this.confirmed;
    const tokenChanged = JSON.stringify(earnings.token) !== JSON.stringify(this.token);
    this.confirmed = confirmedPayouts(earnings);
    if (!chainMoved && !paid && !tokenChanged) return;
    if (chainMoved) this.balances = NO_BALANCES; // figures from another cluster or mint are not this one's
    this.chain = chain;
    this.token = earnings.token;
    this.changed();
    if (chainMoved || paid) this.readIfStarted();
  }

  private address(): string | null {
    return this.deps.settings.get().wallet.payoutAddress;
  }

  /** A damaged key file must not stop the app: the owner is told, and creating a new wallet refuses to overwrite it. */
  private loadCreated(): CreatedWallet | null {
    try {
      return this.deps.keys.current();
    } catch (error) {
      const body = error instanceof UserFacingError ? error : new UserFacingError('wallet-key-unreadable', `Offhours cannot read the wallet created on this PC: ${String(error)}`, 'Restore the data folder\'s "keys" folder from a backup.');
      this.deps.logger.error('the wallet key file is unreadable', { error: body.message });
      this.deps.notify?.({ id: 'wallet-key-unreadable', level: 'error', title: 'Your wallet key cannot be read', message: body.message, nextStep: body.nextStep });
      return null;
    }
  }

  private balanceRequest(): BalanceRequest | null {
    const owner = this.address();
    if (!owner || !isSolanaAddress(owner) || !this.chain) return null;
    return { rpcUrl: this.chain.rpcUrl, owner, mint: this.chain.mint };
  }

  private readIfStarted(): void {
    if (this.started) void this.readBalances();
  }

  private readBalances(): Promise<void> {
    this.reading ??= this.readUntilCurrent().finally(() => (this.reading = null));
    return this.reading;
  }

  /** Reads until the answer is for the address and chain still current (either may change during a read). */
  private async readUntilCurrent(): Promise<void> {
    for (let request = this.balanceRequest(); request; request = this.balanceRequest()) {
      this.setBalances({ ...this.balances, refreshing: true });
      const outcome = await this.readOnce(request);
      if (sameRequest(request, this.balanceRequest())) return this.setBalances(outcome);
    }
    if (this.balances.refreshing) this.setBalances({ ...this.balances, refreshing: false });
  }

  private async readOnce(request: BalanceRequest): Promise<WalletBalances> {
    try {
      const answer = await this.deps.balances.read(request);
      return { lamports: answer.lamports.toString(), tokenBaseUnits: answer.tokenBaseUnits?.toString() ?? null, fetchedAt: new Date(this.deps.clock.now()).toISOString(), refreshing: false, error: null };
    } catch (error) {
      const words = (error instanceof Error ? error.message : String(error)).slice(0, MAX_RPC_WORDS);
      this.deps.logger.warn('reading the wallet balances failed', { rpcUrl: request.rpcUrl, error: words });
      const shown = this.balances.fetchedAt ? `The figures shown were read at ${this.balances.fetchedAt}.` : 'No figures were read yet.';
      return { ...this.balances, refreshing: false, error: `Could not read the balances from ${request.rpcUrl} (${words}). ${shown} Check your internet connection, then refresh.` };
    }
  }

  private setBalances(balances: WalletBalances): void {
    this.balances = balances;
    this.changed();
  }

  private compute(): WalletSlice {
    return walletSlice({ address: this.address(), created: this.created, chain: this.chain, token: this.token, balances: this.balances });
  }

  private changed(): void {
    this.slice = this.compute();
    for (const listener of this.listeners) listener(this.slice);
  }
}
