/**
 * A local chain for tests: the real localnet (LiteSVM behind JSON-RPC) in a temporary folder, a clock the
 * test can move forward, and the few steps every chain test needs (fund a wallet, make a mint, send
 * instructions), all through @solana/kit as any client would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendTransactionMessageInstructions,
  createSolanaRpc,
  createTransactionMessage,
  generateKeyPairSigner,
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
  type TransactionSigner,
} from '@solana/kit';
import { getCreateAccountInstruction } from '@solana-program/system';
import { findAssociatedTokenPda, getCreateAssociatedTokenIdempotentInstruction, getInitializeMint2Instruction, getMintSize, getMintToCheckedInstruction, TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { startLocalnet, type RunningLocalnet } from '../localnet/server.js';

export interface TestChain {
  url: string;
  rpc: Rpc<SolanaRpcApi>;
  dir: string;
  node: RunningLocalnet;
  /** Moves the chain's wall clock forward (blockhashes age 1 block per 400 ms). */
  advance(ms: number): void;
  clock: () => Date;
  /** A new wallet holding `sol` SOL (airdropped). */
  wallet(sol?: number): Promise<KeyPairSigner>;
  /** Signs and sends one v0 transaction; returns its signature. */
  send(payer: TransactionSigner, instructions: Instruction[], options?: { skipPreflight?: boolean }): Promise<string>;
  /** A new SPL mint with `authority` as mint authority. */
  createMint(authority: KeyPairSigner, decimals?: number): Promise<Address>;
  /** The wallet's associated token account, created if needed, holding `amount` more base units. */
  mintTo(authority: KeyPairSigner, mint: Address, owner: Address, amount: bigint, decimals?: number): Promise<Address>;
  /** Stops the node (the folder stays until `cleanUp`). */
  stop(): Promise<void>;
  /** Starts the node again on the same folder. */
  restart(): Promise<void>;
  cleanUp(): Promise<void>;
}

export async function ataOf(owner: Address, mint: Address): Promise<Address> {
  const [ata] = await findAssociatedTokenPda({ owner, mint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
  return ata;
}

export async function startTestChain(dir = mkdtempSync(join(tmpdir(), 'offhours-localnet-'))): Promise<TestChain> {
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  let node = await startLocalnet({ port: 0, dataDir: dir, clock, log: () => {} });
  let rpc = createSolanaRpc(node.url);
  const chain: TestChain = {
    get url() {
      return node.url;
    },
    get rpc() {
      return rpc;
    },
    get node() {
      return node;
    },
    dir,
    clock,
    advance: (ms) => void (offset += ms),
    async wallet(sol = 10) {
      const signer = await generateKeyPairSigner();
      await rpc.requestAirdrop(signer.address, lamports(BigInt(sol) * 1_000_000_000n)).send();
      return signer;
    },
    async send(payer, instructions, options = {}) {
      const { value } = await rpc.getLatestBlockhash().send();
      const signed = await signTransactionMessageWithSigners(
        pipe(
          createTransactionMessage({ version: 0 }),
          (m) => setTransactionMessageFeePayerSigner(payer, m),
          (m) => setTransactionMessageLifetimeUsingBlockhash(value, m),
          (m) => appendTransactionMessageInstructions(instructions, m),
        ),
      );
      await rpc.sendTransaction(getBase64EncodedWireTransaction(signed), { encoding: 'base64', skipPreflight: options.skipPreflight ?? false }).send();
      return getSignatureFromTransaction(signed);
    },
    async createMint(authority, decimals = 6) {
      const mint = await generateKeyPairSigner();
      const space = BigInt(getMintSize());
      const rent = await rpc.getMinimumBalanceForRentExemption(space).send();
      await chain.send(authority, [
        getCreateAccountInstruction({ payer: authority, newAccount: mint, lamports: rent, space, programAddress: TOKEN_PROGRAM_ADDRESS }),
        getInitializeMint2Instruction({ mint: mint.address, decimals, mintAuthority: authority.address }),
      ]);
      return mint.address;
    },
    async mintTo(authority, mint, owner, amount, decimals = 6) {
      const ata = await ataOf(owner, mint);
      await chain.send(authority, [
        getCreateAssociatedTokenIdempotentInstruction({ payer: authority, ata, owner, mint }),
        getMintToCheckedInstruction({ mint, token: ata, mintAuthority: authority, amount, decimals }),
      ]);
      return ata;
    },
    stop: () => node.close(),
    async restart() {
      node = await startLocalnet({ port: 0, dataDir: dir, clock, log: () => {} });
      rpc = createSolanaRpc(node.url);
    },
    async cleanUp() {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return chain;
}
