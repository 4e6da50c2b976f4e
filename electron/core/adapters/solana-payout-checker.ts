import type { checkPayoutOnChain } from '../../../protocol/solana/payout-check.js';
import type { PayoutChainAnswer, PayoutChainChecker, PayoutCheckRequest } from '../earnings/ports.js';

type CheckPayoutOnChain = typeof checkPayoutOnChain;

/**
 * The PayoutChainChecker port on protocol/solana/payout-check.ts (Solana JSON-RPC through @solana/kit): the only
 * app file that reaches a Solana cluster. Loaded on the first lookup, so starting the app or a CLI verb does not
 * pay for the Solana libraries. Exercised end to end against a real local validator by the payout tests (the
 * earnings book's own tests use recorded answers).
 */
export class SolanaPayoutChecker implements PayoutChainChecker {
  private loading: Promise<CheckPayoutOnChain> | null = null;

  constructor(private readonly options: { timeoutMs: number }) {}

  async check(rpcUrl: string, request: PayoutCheckRequest): Promise<PayoutChainAnswer> {
    try {
      const checkOnChain = await this.load();
      return await checkOnChain(rpcUrl, request, { timeoutMs: this.options.timeoutMs });
    } catch (error) {
      // The port never throws: a lookup that could not even start is one the RPC did not answer, tried again later.
      return { ok: false, reason: 'unreachable', message: `Could not look the payout up at ${rpcUrl}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  private load(): Promise<CheckPayoutOnChain> {
    this.loading ??= import('../../../protocol/solana/payout-check.js').then(
      (module) => module.checkPayoutOnChain,
      (error: unknown) => {
        this.loading = null; // try loading again at the next lookup
        throw error;
      },
    );
    return this.loading;
  }
}
