/** A receipt issuer over a fresh key, for tests that open a store directly. */
import { generateSecretKey } from '../../protocol/bench/signing.js';
import type { ReceiptIssuer } from '../db/run-money.js';
import { receiptIssuer } from '../receipt-key.js';

export function testReceiptIssuer(coordinatorId = 'test-network'): Promise<ReceiptIssuer> {
  return receiptIssuer(coordinatorId, generateSecretKey());
}
