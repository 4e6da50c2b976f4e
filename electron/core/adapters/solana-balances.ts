import type * as SolanaKit from '@solana/kit';
import type { BalanceAnswer, BalanceRequest, WalletBalanceReader } from '../wallet/ports.js';

type Kit = typeof SolanaKit;

/**
 * The WalletBalanceReader port on Solana JSON-RPC through @solana/kit: getBalance for SOL, and
 * getTokenAccountsByOwner (jsonParsed) for the payout mint, summed over every account the wallet owns for it (an
 * associated account, and any other a wallet app made). @solana/kit is loaded on the first read, so starting the
 * app or a CLI verb does not pay for it. Exercised against the real local Solana in solana-balances.test.ts.
 */
export class SolanaBalanceReader implements WalletBalanceReader {
  private loading: Promise<Kit> | null = null;

  constructor(private readonly options: { timeoutMs: number }) {}

  async read(request: BalanceRequest): Promise<BalanceAnswer> {
    const kit = await this.load();
    const rpc = kit.createSolanaRpc(request.rpcUrl);
    const owner = kit.address(request.owner);
    const abortSignal = AbortSignal.timeout(this.options.timeoutMs);
    const [balance, tokens] = await Promise.all([
      rpc.getBalance(owner, { commitment: 'confirmed' }).send({ abortSignal }),
      request.mint === null ? null : rpc.getTokenAccountsByOwner(owner, { mint: kit.address(request.mint) }, { encoding: 'jsonParsed', commitment: 'confirmed' }).send({ abortSignal }),
    ]);
    const tokenBaseUnits = tokens ? tokens.value.reduce((sum, entry) => sum + BigInt(entry.account.data.parsed.info.tokenAmount.amount), 0n) : null;
    return { lamports: balance.value, tokenBaseUnits };
  }

  private load(): Promise<Kit> {
    this.loading ??= import('@solana/kit').catch((error: unknown) => {
      this.loading = null; // try loading again at the next read
      throw error;
    });
    return this.loading;
  }
}
