/**
 * Waiting for a transaction the way a wallet does without a websocket: poll its status until the cluster
 * confirms it, or until its blockhash has expired (then it can never land).
 */
import { signature as toSignature, type Rpc, type SolanaRpcApi } from '@solana/kit';
import { transactionErrorText } from './solana-payout-chain.js';

const POLL_MS = 200;

/** The transaction failed on chain, or expired without landing; the message says which. */
export class ConfirmationError extends Error {}

export async function waitForConfirmation(rpc: Rpc<SolanaRpcApi>, signature: string, until: { lastValidBlockHeight?: bigint; timeoutMs?: number } = {}): Promise<bigint> {
  const deadline = Date.now() + (until.timeoutMs ?? 60_000);
  for (;;) {
    const { value } = await rpc.getSignatureStatuses([toSignature(signature)], { searchTransactionHistory: true }).send();
    const status = value[0];
    if (status && (status.confirmationStatus === 'confirmed' || status.confirmationStatus === 'finalized')) {
      if (status.err !== null) throw new ConfirmationError(`Transaction ${signature} failed on chain: ${transactionErrorText(status.err)}`);
      return status.slot;
    }
    if (until.lastValidBlockHeight !== undefined && (await rpc.getBlockHeight({ commitment: 'confirmed' }).send()) > until.lastValidBlockHeight) {
      throw new ConfirmationError(`Transaction ${signature} expired without landing (its blockhash is too old now).`);
    }
    if (Date.now() > deadline) throw new ConfirmationError(`Transaction ${signature} was not confirmed in time.`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
