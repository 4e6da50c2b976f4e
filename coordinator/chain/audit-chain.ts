/**
 * The audit's view of the chain over any RPC URL: each paid transfer checked with the same code the app uses
 * (protocol/solana/payout-check.ts), and how many of a batch's signatures ever landed.
 */
import { createSolanaRpc, signature as toSignature } from '@solana/kit';
import { checkPayoutOnChain } from '../../protocol/solana/payout-check.js';
import type { AuditChain } from '../audit.js';

const STATUS_CHUNK = 256;

export function rpcAuditChain(rpcUrl: string): AuditChain {
  const rpc = createSolanaRpc(rpcUrl);
  return {
    async checkTransfer(expected) {
      const result = await checkPayoutOnChain(rpcUrl, expected);
      return result.ok ? { ok: true } : { ok: false, message: result.message };
    },
    async countLanded(signatures) {
      let landed = 0;
      for (let i = 0; i < signatures.length; i += STATUS_CHUNK) {
        const chunk = signatures.slice(i, i + STATUS_CHUNK).map((value) => toSignature(value));
        const { value } = await rpc.getSignatureStatuses(chunk, { searchTransactionHistory: true }).send();
        landed += value.filter((status) => status !== null && status.confirmationStatus !== 'processed').length;
      }
      return landed;
    },
  };
}
