import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { EarningsSummarySchema, PayoutChainInfoSchema, ProviderPayoutSchema, SharedWalletSchema } from '../../../protocol/network.js';
import { JobReceiptSchema } from '../../../protocol/receipts.js';
import { PayoutChainStateSchema, ReceiptCheckStateSchema } from '../../../protocol/state.js';
import type { Logger } from '../ports.js';
import type { EarningsRecord, EarningsStore } from './ports.js';
import { emptyEarningsRecord, MAX_STORED_ITEMS } from './record.js';

const FileSchema = z.object({
  version: z.literal(1),
  summary: EarningsSummarySchema.nullable(),
  receipts: z.array(z.object({ receipt: JobReceiptSchema, check: ReceiptCheckStateSchema })).max(MAX_STORED_ITEMS),
  payouts: z.array(z.object({ payout: ProviderPayoutSchema, chain: PayoutChainStateSchema, notFoundTries: z.number().int().min(0) })).max(MAX_STORED_ITEMS),
  chain: PayoutChainInfoSchema.nullable(),
  coordinatorPublicKey: z.string().nullable(),
  token: z.object({ symbol: z.string(), decimals: z.number().int().min(0).max(18) }).nullable(),
  updatedAt: z.string().nullable(),
  // Added with the shared-wallet view: files written before it have none.
  sharedWallet: SharedWalletSchema.nullable().default(null),
});

/**
 * <data dir>/earnings.json: the receipts and payouts the network reported and what the app's own checks found,
 * rewritten whole (write + rename, so a crash leaves the old or the new file, never half of one) and bounded
 * (MAX_STORED_ITEMS of each). A file that does not parse is renamed aside, not deleted, so nothing in it is
 * lost for good; the network re-sends its latest receipts and payouts at the next connection.
 */
export class EarningsFile implements EarningsStore {
  constructor(
    private readonly file: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  load(): ReturnType<EarningsStore['load']> {
    if (!existsSync(this.file)) return { record: emptyEarningsRecord(), damaged: null };
    try {
      const { version: _version, ...record } = FileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
      return { record, damaged: null };
    } catch (error) {
      return { record: emptyEarningsRecord(), damaged: { setAsideAs: this.setAside(error) } };
    }
  }

  save(record: EarningsRecord): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify({ version: 1, ...record }), { mode: 0o600 });
    renameSync(temp, this.file);
  }

  /** Moves the damaged file out of the way (keeping it for the owner or support) and says where; null if even that failed. */
  private setAside(error: unknown): string | null {
    const aside = `${this.file}.damaged-${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(this.file, aside);
      this.logger.warn('the earnings file is unreadable; set it aside and started a fresh one', { file: this.file, aside, error: String(error) });
      return aside;
    } catch (renameError) {
      this.logger.error('the earnings file is unreadable and could not be set aside', { file: this.file, error: String(error), renameError: String(renameError) });
      return null;
    }
  }
}
