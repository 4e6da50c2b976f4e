/**
 * The installer configuration, checked without Electron (scripts/check-packaging.mjs): valid against
 * electron-builder's schema, every named file present, and app.asar's input holding the app and no tests.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script (also run by hand before `npm run dist`); its exports are checked by these tests
import { checkPackaging, missingFiles, packedFiles, packingProblems, readConfig, schemaProblems } from '../../scripts/check-packaging.mjs';

type Config = Record<string, unknown> & { files: string[]; mac: Record<string, unknown> };
const root = join(import.meta.dirname, '..', '..');
const config = () => readConfig(root) as Config;
const built = existsSync(join(root, 'dist', 'electron', 'main', 'main.js'));

describe('electron-builder.yml', () => {
  it('is valid against electron-builder\'s own schema, and an unknown or mistyped key is not', () => {
    expect(schemaProblems(config())).toEqual([]);
    expect(schemaProblems({ ...config(), nsiss: { oneClick: false } }).join('\n')).toContain('nsiss');
    expect(schemaProblems({ ...config(), asar: 'yes' }).length).toBeGreaterThan(0);
  });

  it('names only files that exist (icons, entitlements), and says which one is missing', () => {
    expect(missingFiles(root, config())).toEqual([]);
    expect(missingFiles(root, { ...config(), mac: { ...config().mac, entitlements: 'resources/nope.plist' } })).toEqual(['electron-builder.yml names resources/nope.plist, which does not exist']);
  });

  it('sets the fuses the checklist asks for and publishes updates to a generic server', () => {
    expect(config().electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
    expect(config().asar).toBe(true);
    expect(config().publish).toMatchObject({ provider: 'generic' });
    expect(config().nsis).toMatchObject({ perMachine: false, allowElevation: false });
  });

  it('starts Node children only through the NodeChildLauncher port, never by running the app binary as Node', () => {
    // With the RunAsNode fuse off, ELECTRON_RUN_AS_NODE does nothing and child_process.fork from the app would start a
    // second app: the only fork is core's plain-Node launcher; the desktop app's is utilityProcess.
    const offenders = sourceFiles(join(root, 'electron')).filter((file) => {
      const text = readFileSync(file, 'utf8');
      const forks = /\bfork\b[^;]*from 'node:child_process'/.test(text) && !file.endsWith(join('adapters', 'node-child-fork.ts'));
      return forks || text.includes('ELECTRON_RUN_AS_NODE');
    });
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });

  if (!built && process.env.CI !== 'true') console.warn('SKIPPED: the packed-file checks need "npm run build" first');
  it.skipIf(!built && process.env.CI !== 'true')('packs the app, its CLI and its icons, and no test, helper, fixture, benchmark or source map', () => {
    expect(checkPackaging(root)).toEqual([]);
    const packed = packedFiles(root, config()) as string[];
    expect(packed).toContain('bin/offhours.js');
    expect(packed).toContain('resources/tray-working.png');
    expect(packed.some((file) => file.includes('test-support'))).toBe(false);
    // Without its exclusions, the same list would carry the coordinator's test support and the benchmarks.
    const careless = { ...config(), files: config().files.filter((pattern) => !pattern.startsWith('!')) };
    expect((packingProblems(root, careless) as string[]).some((problem) => problem.includes('test-support'))).toBe(true);
  });
});

/** The production TypeScript under `dir` (no tests, no test support). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test-support' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}
