/**
 * The providers connected to this instance, and the bus events meant for them: an offer matched on any
 * instance reaches the socket here; a cancel or withdrawal submitted anywhere is forwarded as a frame. When a
 * provider's money moves, every provider connected here that shares its payout address gets fresh earnings too
 * (their `earnings` frames show the whole wallet).
 */
import type { BusEvent, CoordinatorBus, OfferRecord } from '../db/store.js';

/** What the hub needs from one connection. */
export interface ConnectedProvider {
  readonly providerId: string;
  /** Where it is paid ('' when it has no wallet yet), as it enrolled. */
  readonly payoutAddress: string;
  /** An offer matched on another instance: looked up by id, then sent. */
  deliverOffer(offerId: string): void;
  /** An offer matched here. */
  sendOffer(offer: OfferRecord): void;
  withdrawOffer(offerId: string, reason: string): void;
  cancelJob(jobId: string, reason: string): void;
  refreshStanding(): void;
  /** Its money (or its wallet's) moved: the latest earnings are sent. */
  refreshEarnings(): void;
  /** A newer connection of the same provider took over on this instance. */
  supersede(): void;
}

export interface HubOptions {
  /**
   * The payout address of a provider not connected here ('' or null: none). Asked only when its money moved and
   * some provider connected here has a wallet that could be the same.
   */
  payoutAddressOf?: (providerId: string) => Promise<string | null>;
  log?: (message: string, error?: unknown) => void;
}

export class ProviderHub {
  private readonly connections = new Map<string, ConnectedProvider>();
  /** Connections here by payout address (only those with one), and the address each joined under. */
  private readonly wallets = new Map<string, Set<ConnectedProvider>>();
  private readonly joined = new Map<ConnectedProvider, string>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: HubOptions = {}) {}

  listen(bus: CoordinatorBus): void {
    this.unsubscribe?.();
    this.unsubscribe = bus.subscribe((event) => this.dispatch(event));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  attach(connection: ConnectedProvider): void {
    const previous = this.connections.get(connection.providerId);
    this.connections.set(connection.providerId, connection);
    if (previous) this.leaveWallet(previous);
    this.joinWallet(connection);
    if (previous && previous !== connection) previous.supersede();
  }

  /** Only the connection that is registered now is removed (a superseded one leaving changes nothing). */
  detach(connection: ConnectedProvider): void {
    if (this.connections.get(connection.providerId) !== connection) return;
    this.connections.delete(connection.providerId);
    this.leaveWallet(connection);
  }

  get(providerId: string): ConnectedProvider | undefined {
    return this.connections.get(providerId);
  }

  get size(): number {
    return this.connections.size;
  }

  dispatch(event: BusEvent): void {
    if (event.kind === 'job-queued') return;
    if (event.kind === 'earnings') return this.moneyMoved(event.providerId);
    if (event.kind === 'wallet-earnings') return this.refreshWallet(event.payoutAddress, event.providerId);
    const connection = this.connections.get(event.providerId);
    if (!connection) return;
    if (event.kind === 'offer') connection.deliverOffer(event.offerId);
    else if (event.kind === 'offer-withdrawn') connection.withdrawOffer(event.offerId, event.reason);
    else if (event.kind === 'cancel-job') connection.cancelJob(event.jobId, event.reason);
    else connection.refreshStanding();
  }

  /** The provider's own connection, then the others of its wallet connected here. */
  private moneyMoved(providerId: string): void {
    const own = this.connections.get(providerId);
    own?.refreshEarnings();
    // No wallet is shared here at all: nothing to look up (the usual case for a provider connected elsewhere).
    if (this.wallets.size === 0) return;
    if (own) return this.refreshWallet(own.payoutAddress, providerId);
    const lookup = this.options.payoutAddressOf;
    if (!lookup) return;
    lookup(providerId).then(
      (address) => address && this.refreshWallet(address, providerId),
      (error: unknown) => this.options.log?.('looking up a payout address for its wallet failed', error),
    );
  }

  /** Every connection here paid to `address`, except the provider the news is about. */
  private refreshWallet(address: string, except: string): void {
    for (const connection of this.wallets.get(address) ?? []) {
      if (connection.providerId !== except) connection.refreshEarnings();
    }
  }

  private joinWallet(connection: ConnectedProvider): void {
    const address = connection.payoutAddress;
    if (!address) return;
    const members = this.wallets.get(address) ?? new Set();
    members.add(connection);
    this.wallets.set(address, members);
    this.joined.set(connection, address);
  }

  private leaveWallet(connection: ConnectedProvider): void {
    const address = this.joined.get(connection);
    if (address === undefined) return;
    this.joined.delete(connection);
    const members = this.wallets.get(address);
    members?.delete(connection);
    if (members?.size === 0) this.wallets.delete(address);
  }
}
