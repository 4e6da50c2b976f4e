import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { INSTRUCTION_ERROR_NAMES, TRANSACTION_ERROR_NAMES } from './tx-errors.js';

/** LiteSVM's error enums are `const enum`s (gone at run time): the name tables must follow its .d.ts order. */
function enumNames(name: string): string[] {
  const types = readFileSync(createRequire(import.meta.url).resolve('litesvm/dist/internal.d.ts'), 'utf8');
  const body = types.split(`export declare const enum ${name} {`)[1]!.split('}')[0]!;
  return [...body.matchAll(/(\w+) = (\d+)/g)].sort((a, b) => Number(a[2]) - Number(b[2])).map((match) => match[1]!);
}

describe('transaction error names', () => {
  it('follow LiteSVM’s enum order', () => {
    expect(TRANSACTION_ERROR_NAMES).toEqual(enumNames('TransactionErrorFieldless'));
    expect(INSTRUCTION_ERROR_NAMES).toEqual(enumNames('InstructionErrorFieldless'));
  });
});
