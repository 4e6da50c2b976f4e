/**
 * Philox4x32-10 as a tiny WebAssembly module (64-bit multiplies make it ~5-10× faster than the JS path):
 * the verifier regenerates 2·n² inputs, which dominates its CPU time. The module is assembled here from
 * readable opcodes (no build step, no binary blob) and checked against philox4x32 in philox-wasm.test.ts.
 * Where WebAssembly is missing or refused (e.g. a strict CSP), callers fall back to the JS path.
 *
 * Exported function fill(k0, k1, stream, firstBlock, blockCount): for b in [0, blockCount) writes
 * (philox((firstBlock + b, stream, 0, 0), (k0, k1))[lane] mod 17) − 8 as i32 at memory[(4b + lane)·4].
 */

/** The only WebAssembly surface used (protocol compiles without DOM or Node types). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
};

/** Blocks one call can write: 4 pages of memory = 16384 blocks of 4 i32. */
export const WASM_MAX_BLOCKS = 16384;
const PAGES = 4;

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb(value: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    const signClear = (byte & 0x40) === 0;
    if ((value === 0n && signClear) || (value === -1n && !signClear)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (text: string): number[] => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

// Opcodes.
const I32 = 0x7f;
const I64 = 0x7e;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32c = (v: number) => [0x41, ...sleb(BigInt(v | 0))];
const i64c = (v: number) => [0x42, ...sleb(BigInt(v))];
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_XOR = 0x73;
const I32_REM_U = 0x70;
const I32_GE_U = 0x4f;
const I32_LT_U = 0x49;
const I64_MUL = 0x7e;
const I64_SHR_U = 0x88;
const I64_EXTEND_I32_U = 0xad;
const I32_WRAP_I64 = 0xa7;
const store = (offset: number) => [0x36, 0x02, ...uleb(offset)];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = 0x0b;
const br = (depth: number) => [0x0c, depth];
const brIf = (depth: number) => [0x0d, depth];

// Locals: params 0..4 = k0, k1, stream, firstBlock, blockCount; then:
const B = 5, C0 = 6, C1 = 7, C2 = 8, C3 = 9, KA = 10, KB = 11, R = 12, PTR = 13, P0 = 14, P1 = 15;

function body(): number[] {
  const storeWord = (local: number, offset: number) => [...get(PTR), ...get(local), ...i32c(17), I32_REM_U, ...i32c(8), I32_SUB, ...store(offset)];
  const code = [
    ...i32c(0), ...set(B),
    ...i32c(0), ...set(PTR),
    ...BLOCK,
    ...LOOP,
    ...get(B), ...get(4), I32_GE_U, ...brIf(1),
    ...get(3), ...get(B), I32_ADD, ...set(C0),
    ...get(2), ...set(C1),
    ...i32c(0), ...set(C2),
    ...i32c(0), ...set(C3),
    ...get(0), ...set(KA),
    ...get(1), ...set(KB),
    ...i32c(0), ...set(R),
    ...LOOP,
    ...get(C0), I64_EXTEND_I32_U, ...i64c(M0), I64_MUL, ...set(P0),
    ...get(C2), I64_EXTEND_I32_U, ...i64c(M1), I64_MUL, ...set(P1),
    ...get(P1), ...i64c(32), I64_SHR_U, I32_WRAP_I64, ...get(C1), I32_XOR, ...get(KA), I32_XOR, ...set(C0),
    ...get(P1), I32_WRAP_I64, ...set(C1),
    ...get(P0), ...i64c(32), I64_SHR_U, I32_WRAP_I64, ...get(C3), I32_XOR, ...get(KB), I32_XOR, ...set(C2),
    ...get(P0), I32_WRAP_I64, ...set(C3),
    ...get(KA), ...i32c(W0), I32_ADD, ...set(KA),
    ...get(KB), ...i32c(W1), I32_ADD, ...set(KB),
    ...get(R), ...i32c(1), I32_ADD, ...set(R),
    ...get(R), ...i32c(10), I32_LT_U, ...brIf(0),
    END,
    ...storeWord(C0, 0),
    ...storeWord(C1, 4),
    ...storeWord(C2, 8),
    ...storeWord(C3, 12),
    ...get(PTR), ...i32c(16), I32_ADD, ...set(PTR),
    ...get(B), ...i32c(1), I32_ADD, ...set(B),
    ...br(0),
    END,
    END,
    END,
  ];
  const locals = vec([[...uleb(9), I32], [...uleb(2), I64]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

/** The module's bytes. */
export function philoxWasmBytes(): Uint8Array {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0x00]])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, ...uleb(PAGES)]])),
    ...section(3, vec([uleb(0)])),
    ...section(7, vec([[...name('fill'), 0x00, ...uleb(0)]])),
    ...section(10, vec([body()])),
  ];
  return Uint8Array.from(bytes);
}

export interface WasmPhilox {
  /** Runs fill and returns the i32 values it wrote (a view into the module memory, valid until the next call). */
  fill(k0: number, k1: number, stream: number, firstBlock: number, blockCount: number): Int32Array;
}

/** A fresh instance, or null where WebAssembly is unavailable or refused. */
export function createWasmPhilox(): WasmPhilox | null {
  try {
    if (typeof WebAssembly === 'undefined') return null;
    const memory = new WebAssembly.Memory({ initial: PAGES });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(philoxWasmBytes()), { env: { mem: memory } });
    const fill = instance.exports.fill as (k0: number, k1: number, s: number, first: number, count: number) => void;
    const view = new Int32Array(memory.buffer);
    return {
      fill(k0, k1, stream, firstBlock, blockCount) {
        if (blockCount > WASM_MAX_BLOCKS) throw new Error(`at most ${WASM_MAX_BLOCKS} blocks per call`);
        fill(k0 | 0, k1 | 0, stream | 0, firstBlock | 0, blockCount | 0);
        return view.subarray(0, blockCount * 4);
      },
    };
  } catch {
    return null;
  }
}
