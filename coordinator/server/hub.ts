/**
 * The providers connected to this instance, and the bus events meant for them: an offer matched on any
 * instance reaches the socket here; a cancel or withdrawal submitted anywhere is forwarded as a frame.
 */
import type { BusEvent, CoordinatorBus, OfferRecord } from '../db/store.js';

/** What the hub needs from one connection. */
export interface ConnectedProvider {
  readonly providerId: string;
  /** An offer matched on another instance: looked up by id, then sent. */
  deliverOffer(offerId: string): void;
  /** An offer matched here. */
  sendOffer(offer: OfferRecord): void;
  withdrawOffer(offerId: string, reason: string): void;
  cancelJob(jobId: string, reason: string): void;
  refreshStanding(): void;
  /** Its money moved (receipt, payout): the latest earnings are sent. */
  refreshEarnings(): void;
  /** A newer connection of the same provider took over on this instance. */
  supersede(): void;
}

export class ProviderHub {
  private readonly connections = new Map<string, ConnectedProvider>();
  private unsubscribe: (() => void) | null = null;

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
    if (previous && previous !== connection) previous.supersede();
  }

  /** Only the connection that is registered now is removed (a superseded one leaving changes nothing). */
  detach(connection: ConnectedProvider): void {
    if (this.connections.get(connection.providerId) === connection) this.connections.delete(connection.providerId);
  }

  get(providerId: string): ConnectedProvider | undefined {
    return this.connections.get(providerId);
  }

  get size(): number {
    return this.connections.size;
  }

  dispatch(event: BusEvent): void {
    if (event.kind === 'job-queued') return;
    const connection = this.connections.get(event.providerId);
    if (!connection) return;
    if (event.kind === 'offer') connection.deliverOffer(event.offerId);
    else if (event.kind === 'offer-withdrawn') connection.withdrawOffer(event.offerId, event.reason);
    else if (event.kind === 'cancel-job') connection.cancelJob(event.jobId, event.reason);
    else if (event.kind === 'earnings') connection.refreshEarnings();
    else connection.refreshStanding();
  }
}
