import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalJson, CanonicalJsonError } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('gives the same string whatever the key insertion order', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('escapes strings as JSON does and normalises -0', () => {
    expect(canonicalJson({ s: 'a"b\\\n€' })).toBe('{"s":"a\\"b\\\\\\n€"}');
    expect(canonicalJson(-0)).toBe('0');
  });

  it.each([[1.5], [NaN], [Infinity], [2 ** 53]])('rejects the non-integer or unsafe number %s', (value) => {
    expect(() => canonicalJson({ a: [value] })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ a: [value] })).toThrow(/a\[0\]/);
  });

  it('rejects undefined, functions, bigint, typed arrays and class instances', () => {
    for (const value of [undefined, () => 1, 1n, new Float32Array(1), new Date(0)]) expect(() => canonicalJson({ v: value })).toThrow(CanonicalJsonError);
  });

  it('encodes to UTF-8', () => {
    expect(Array.from(canonicalBytes('é'))).toEqual([0x22, 0xc3, 0xa9, 0x22]);
  });
});
