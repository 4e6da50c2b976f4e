/**
 * The CUDA executable spells the benchmark's kernel names in C++, the one list TypeScript cannot derive from
 * KERNEL_NAMES: a kernel added on one side only would be refused by the other at run time (the executable's
 * usage error, or the adapter's schema), so the two lists are compared here, in the source.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES } from '../protocol/bench/report.js';

const options = readFileSync(join(import.meta.dirname, 'src', 'options.cpp'), 'utf8');

/** The body of the C++ function whose signature starts with `signature` (up to its closing brace at column 0). */
function functionBody(signature: string): string {
  const start = options.indexOf(signature);
  if (start < 0) throw new Error(`native/src/options.cpp has no "${signature}"`);
  return options.slice(start, options.indexOf('\n}', start));
}

describe('the CUDA executable knows the same kernels as protocol/bench/report.ts', () => {
  it('kernel_name() names exactly KERNEL_NAMES', () => {
    const names = [...functionBody('const char* kernel_name(Kernel kernel)').matchAll(/case Kernel::\w+: return "(\w+)";/g)].map((m) => m[1]);
    expect(names).toEqual([...KERNEL_NAMES]);
  });

  it('--kernels accepts exactly KERNEL_NAMES', () => {
    const names = [...functionBody('std::vector<Kernel> parse_kernels(').matchAll(/name == "(\w+)"/g)].map((m) => m[1]);
    expect(names).toEqual([...KERNEL_NAMES]);
  });
});
