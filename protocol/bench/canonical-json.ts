/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as Array.prototype.sort does), no whitespace,
 * numbers only as safe integers (floats are carried as integers ×1000 by convention), no undefined.
 * The bytes that get signed; the same value always gives the same string on every runtime.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';

export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path || 'value'}: ${message}`);
    this.name = 'CanonicalJsonError';
  }
}

function encode(value: unknown, path: string, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalJsonError(path, `only safe integers are allowed, got ${value}`);
      out.push(Object.is(value, -0) ? '0' : String(value));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item, index) => {
          if (index) out.push(',');
          encode(item, `${path}[${index}]`, out);
        });
        out.push(']');
        return;
      }
      if (ArrayBuffer.isView(value)) throw new CanonicalJsonError(path, 'typed arrays must be converted to plain arrays');
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new CanonicalJsonError(path, 'only plain objects are allowed');
      const keys = Object.keys(value).sort();
      out.push('{');
      keys.forEach((key, index) => {
        if (index) out.push(',');
        out.push(JSON.stringify(key), ':');
        encode((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, out);
      });
      out.push('}');
      return;
    }
    default:
      throw new CanonicalJsonError(path, `${typeof value} cannot be encoded`);
  }
}

export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  encode(value, '', out);
  return out.join('');
}

/** UTF-8 bytes of canonicalJson(value): what a signature covers. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8ToBytes(canonicalJson(value));
}
