/**
 * The embedded network's treasury on the local chain, made ready on every start: its key (created once, in
 * the coordinator's data folder), SOL for fees and rent (airdropped when low), the payout mint (9 decimals,
 * the treasury as mint authority) and the treasury's token account, holding a large supply (minted again
 * when low). Local only: tokens made from nothing are refused on a public cluster.
 *
 * Idempotent across restarts and crashes: the mint's address is derived from the treasury key and a fixed
 * seed (createAccountWithSeed), so a start that died half-way finds the same address and finishes the work.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  appendTransactionMessageInstructions,
  createAddressWithSeed,
  createSolanaRpc,
  createTransactionMessage,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Instruction,
  type KeyPairSigner,
  type Rpc,
  type SolanaRpcApi,
} from '@solana/kit';
import { getCreateAccountWithSeedInstruction } from '@solana-program/system';
import {
  findAssociatedTokenPda,
  getCreateAssociatedTokenIdempotentInstruction,
  getInitializeMint2Instruction,
  getMintDecoder,
  getMintSize,
  getMintToCheckedInstruction,
  getTokenDecoder,
  TOKEN_PROGRAM_ADDRESS,
} from '@solana-program/token';
import { guessCluster } from './cluster.js';
import { waitForConfirmation } from './confirm.js';
import { loadOrCreateTreasuryKey } from './treasury-key.js';

export const LOCAL_MINT_DECIMALS = 9;
export const TREASURY_KEY_FILE = 'local-treasury-keypair.json';
export const MINT_FILE = 'local-payout-mint.json';
const MINT_SEED = 'offhours-payout-mint';
const LAMPORTS_PER_SOL = 1_000_000_000n;
/** Below this the treasury is given more SOL: it pays every payout's fee and each new token account's rent. */
const MIN_TREASURY_LAMPORTS = 10n * LAMPORTS_PER_SOL;
const AIRDROP_LAMPORTS = 100n * LAMPORTS_PER_SOL;
const TOKEN_UNIT = 10n ** BigInt(LOCAL_MINT_DECIMALS);
/** Minted up to a billion tokens whenever fewer than a million are left. */
const SUPPLY_TARGET = 1_000_000_000n * TOKEN_UNIT;
const SUPPLY_LOW = 1_000_000n * TOKEN_UNIT;

export interface LocalTreasury {
  treasurySigner: KeyPairSigner;
  mint: string;
  decimals: number;
}

/** Not a local chain, or the mint found there is not ours; the message says what to do. */
export class LocalTreasuryError extends Error {}

function rememberMint(dataDir: string, content: { mint: string; decimals: number; treasury: string }): void {
  const file = join(dataDir, MINT_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** The mint remembered in <dataDir>/local-payout-mint.json, when it belongs to this treasury. */
export function rememberedMint(dataDir: string, treasury: string): string | null {
  const file = join(dataDir, MINT_FILE);
  if (!existsSync(file)) return null;
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as { mint?: unknown; treasury?: unknown };
    return content.treasury === treasury && typeof content.mint === 'string' ? content.mint : null;
  } catch {
    return null;
  }
}

async function ensureSol(rpc: Rpc<SolanaRpcApi>, treasury: Address): Promise<void> {
  const { value } = await rpc.getBalance(treasury, { commitment: 'confirmed' }).send();
  if (value >= MIN_TREASURY_LAMPORTS) return;
  const signature = await rpc.requestAirdrop(treasury, lamports(AIRDROP_LAMPORTS), { commitment: 'confirmed' }).send();
  await waitForConfirmation(rpc, signature);
}

/** The instructions still needed: create and initialize the mint, create the token account, top up the supply. */
async function missingSteps(rpc: Rpc<SolanaRpcApi>, signer: KeyPairSigner, mint: Address, ata: Address): Promise<Instruction[]> {
  const steps: Instruction[] = [];
  const { value: mintAccount } = await rpc.getAccountInfo(mint, { encoding: 'base64', commitment: 'confirmed' }).send();
  if (!mintAccount) {
    const space = BigInt(getMintSize());
    const rent = await rpc.getMinimumBalanceForRentExemption(space).send();
    steps.push(
      getCreateAccountWithSeedInstruction({ payer: signer, newAccount: mint, baseAccount: signer, base: signer.address, seed: MINT_SEED, amount: rent, space, programAddress: TOKEN_PROGRAM_ADDRESS }),
      getInitializeMint2Instruction({ mint, decimals: LOCAL_MINT_DECIMALS, mintAuthority: signer.address }),
    );
  } else {
    const state = getMintDecoder().decode(Buffer.from(mintAccount.data[0], 'base64'));
    const authority = state.mintAuthority.__option === 'Some' ? state.mintAuthority.value : null;
    if (state.decimals !== LOCAL_MINT_DECIMALS || authority !== signer.address) {
      throw new LocalTreasuryError(`The account at ${mint} is not this treasury's payout mint (decimals ${state.decimals}, mint authority ${authority ?? 'none'}).`);
    }
  }
  const { value: tokenAccount } = await rpc.getAccountInfo(ata, { encoding: 'base64', commitment: 'confirmed' }).send();
  if (!tokenAccount) steps.push(getCreateAssociatedTokenIdempotentInstruction({ payer: signer, ata, owner: signer.address, mint }));
  const balance = tokenAccount ? getTokenDecoder().decode(Buffer.from(tokenAccount.data[0], 'base64')).amount : 0n;
  if (balance < SUPPLY_LOW) steps.push(getMintToCheckedInstruction({ mint, token: ata, mintAuthority: signer, amount: SUPPLY_TARGET - balance, decimals: LOCAL_MINT_DECIMALS }));
  return steps;
}

async function sendSteps(rpc: Rpc<SolanaRpcApi>, signer: KeyPairSigner, steps: Instruction[]): Promise<void> {
  const { value: lifetime } = await rpc.getLatestBlockhash({ commitment: 'confirmed' }).send();
  const signed = await signTransactionMessageWithSigners(
    pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(signer, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash(lifetime, m),
      (m) => appendTransactionMessageInstructions(steps, m),
    ),
  );
  await rpc.sendTransaction(getBase64EncodedWireTransaction(signed), { encoding: 'base64', preflightCommitment: 'confirmed' }).send();
  await waitForConfirmation(rpc, getSignatureFromTransaction(signed), { lastValidBlockHeight: lifetime.lastValidBlockHeight });
}

/** Makes the local treasury ready (see above) and returns its signer and mint. */
export async function ensureLocalTreasury(options: { rpcUrl: string; dataDir: string }): Promise<LocalTreasury> {
  const cluster = await guessCluster(options.rpcUrl);
  if (cluster === 'mainnet-beta' || cluster === 'devnet' || cluster === 'testnet') {
    throw new LocalTreasuryError(`${options.rpcUrl} is ${cluster}: a local treasury mints its tokens from nothing and runs on the local chain only.\n  Next: give the payout mint and treasury key of that cluster instead.`);
  }
  const rpc = createSolanaRpc(options.rpcUrl);
  const treasurySigner = await loadOrCreateTreasuryKey(join(options.dataDir, TREASURY_KEY_FILE));
  const mint = await createAddressWithSeed({ baseAddress: treasurySigner.address, programAddress: TOKEN_PROGRAM_ADDRESS, seed: MINT_SEED });
  const [ata] = await findAssociatedTokenPda({ owner: treasurySigner.address, mint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
  await ensureSol(rpc, treasurySigner.address);
  const steps = await missingSteps(rpc, treasurySigner, mint, ata);
  if (steps.length > 0) await sendSteps(rpc, treasurySigner, steps);
  if (rememberedMint(options.dataDir, treasurySigner.address) !== mint) rememberMint(options.dataDir, { mint, decimals: LOCAL_MINT_DECIMALS, treasury: treasurySigner.address });
  return { treasurySigner, mint, decimals: LOCAL_MINT_DECIMALS };
}
