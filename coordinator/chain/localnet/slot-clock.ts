/**
 * Time on the local chain, as a cluster keeps it: a slot every 400 ms of wall time since genesis (every slot
 * holds a block, so block height = slot), one blockhash per block, and a blockhash valid for 150 blocks
 * (MAX_PROCESSING_AGE). Blockhashes are derived from the genesis hash and the height, so they need no
 * storage and survive restarts. Pure: the time comes from the `now` function it is given.
 */
import { createHash } from 'node:crypto';
import { getBase58Decoder, getBase58Encoder } from '@solana/kit';

export const SLOT_MS = 400;
/** Blocks a blockhash stays usable for (agave's MAX_PROCESSING_AGE). */
export const MAX_PROCESSING_AGE = 150n;
export const SLOTS_PER_EPOCH = 432_000n;

const base58 = getBase58Decoder();
const base58Bytes = getBase58Encoder();

export class SlotClock {
  /** Slots never go backwards, even when the wall clock does. */
  private highest = 0n;
  private readonly hashes = new Map<bigint, string>();

  constructor(
    private readonly genesisHash: string,
    private readonly genesisMs: number,
    private readonly now: () => number,
  ) {}

  slot(): bigint {
    const elapsed = Math.max(0, this.now() - this.genesisMs);
    const slot = BigInt(Math.floor(elapsed / SLOT_MS));
    if (slot > this.highest) this.highest = slot;
    return this.highest;
  }

  /** After a restart: never below a slot the chain already used, whatever the wall clock says now. */
  atLeast(slot: bigint): void {
    if (slot > this.highest) this.highest = slot;
  }

  /** Every slot produces a block here, so the block height is the slot. */
  blockHeight(): bigint {
    return this.slot();
  }

  /** Unix seconds of a slot's block, as getTransaction's blockTime gives it. */
  blockTime(slot: bigint): number {
    return Math.floor((this.genesisMs + Number(slot) * SLOT_MS) / 1000);
  }

  blockhashAt(height: bigint): string {
    const cached = this.hashes.get(height);
    if (cached) return cached;
    const digest = createHash('sha256').update(base58Bytes.encode(this.genesisHash) as Uint8Array).update(u64le(height)).digest();
    const hash = base58.decode(digest);
    if (this.hashes.size > 2 * Number(MAX_PROCESSING_AGE)) this.hashes.clear();
    this.hashes.set(height, hash);
    return hash;
  }

  latestBlockhash(): { blockhash: string; lastValidBlockHeight: bigint } {
    const height = this.blockHeight();
    return { blockhash: this.blockhashAt(height), lastValidBlockHeight: height + MAX_PROCESSING_AGE };
  }

  /** The height of a blockhash that is still usable, or null (too old, from another chain, or made up). */
  heightOfRecentBlockhash(blockhash: string): bigint | null {
    const current = this.blockHeight();
    const oldest = current > MAX_PROCESSING_AGE ? current - MAX_PROCESSING_AGE : 0n;
    for (let height = current; height >= oldest; height--) {
      if (this.blockhashAt(height) === blockhash) return height;
    }
    return null;
  }
}

function u64le(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  return bytes;
}
