/**
 * Ports are gathered: every interface an adapter implements (electron/core/adapters, electron/main) is declared in
 * a ports.ts — core's own (electron/core/ports.ts) or its capability's (electron/core/<capability>/ports.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'test-support' || name === 'node_modules' ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Where each exported interface or type of core and protocol is declared. */
function declarations(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of [...sources(join(root, 'electron', 'core')), ...sources(join(root, 'protocol'))]) {
    for (const match of readFileSync(file, 'utf8').matchAll(/^export (?:interface|type) (\w+)/gm)) {
      found.set(match[1]!, [...(found.get(match[1]!) ?? []), relative(root, file)]);
    }
  }
  return found;
}

/** Every `class X implements A, B` of the adapter folders, as [file, interface]. */
function implemented(): [string, string][] {
  const files = [...sources(join(root, 'electron', 'core', 'adapters')), ...sources(join(root, 'electron', 'main'))];
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/class \w+(?:<[^>]*>)? implements ([\w\s,<>]+?)\s*\{/g)].flatMap((match) =>
      match[1]!.split(',').map((name) => [relative(root, file), name.trim().replace(/<.*$/, '')] as [string, string]),
    ),
  );
}

describe('ports are gathered in ports.ts files', () => {
  it('every interface an adapter implements is declared in a ports.ts', () => {
    const where = declarations();
    const pairs = implemented();
    expect(pairs.length).toBeGreaterThan(15);
    const strays = pairs.flatMap(([file, port]) => {
      const declared = where.get(port) ?? [];
      return declared.some((path) => basename(path) === 'ports.ts') ? [] : [`${file} implements ${port}, declared in ${declared.join(', ') || 'no file of core or protocol'}`];
    });
    expect(strays).toEqual([]);
  });
});
