#!/usr/bin/env node
// Checks the installer configuration without Electron (CI cannot download it): electron-builder.yml is valid
// against electron-builder's own schema, every file it names exists, and the files it would pack into app.asar
// hold the app and nothing of the tests. `npm run build` first (the packed list is read from dist/).
// Usage: node scripts/check-packaging.mjs   (exit 1 and one line per problem when something is wrong)
import Ajv from 'ajv';
import yaml from 'js-yaml';
import { minimatch } from 'minimatch';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** What never ships: tests, their helpers and fixtures, benchmarks, source maps. */
export const TEST_ONLY = [/\.test\.[cm]?js$/, /(^|\/)test-support\//, /(^|\/)fixtures\//, /^dist\/bench\//, /^dist\/e2e\//, /\.map$/, /\.vitest\.js$/];
/** What must ship, or the app does not start. */
export const REQUIRED = ['package.json', 'bin/offhours.js', 'dist/electron/main/main.js', 'dist/electron/preload/preload.cjs', 'dist/renderer/index.html', 'dist/electron/headless/cli.js', 'dist/coordinator/service.js'];

export function readConfig(root) {
  return yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));
}

/** Problems with the configuration's shape, in electron-builder's schema's words. */
export function schemaProblems(config) {
  const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  if (validate(config)) return [];
  return (validate.errors ?? []).filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf').map((e) => `electron-builder.yml${e.instancePath || ''}: ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
}

/** Files the configuration names that are not in the repository. */
export function missingFiles(root, config) {
  const named = [
    config.directories?.buildResources,
    config.linux?.icon, config.win?.icon, config.mac?.icon,
    config.mac?.entitlements, config.mac?.entitlementsInherit,
    typeof config.afterPack === 'string' ? config.afterPack : null,
  ].filter(Boolean);
  return [...new Set(named)].filter((path) => !existsSync(join(root, path))).map((path) => `electron-builder.yml names ${path}, which does not exist`);
}

function walk(root, dir, out) {
  for (const name of readdirSync(join(root, dir))) {
    const path = dir ? `${dir}/${name}` : name;
    if (statSync(join(root, path)).isDirectory()) walk(root, path, out);
    else out.push(path);
  }
  return out;
}

/** The app's own files electron-builder would pack, applying `files` in order as it does (later "!" patterns exclude). */
export function packedFiles(root, config) {
  const candidates = ['package.json', ...walk(root, 'bin', []), ...(existsSync(join(root, 'dist')) ? walk(root, 'dist', []) : []), ...walk(root, 'resources', [])].map((p) => p.split(sep).join('/'));
  return candidates.filter((file) => {
    let included = false;
    for (const pattern of config.files ?? []) {
      if (pattern.startsWith('!')) {
        if (minimatch(file, pattern.slice(1), { dot: true })) included = false;
      } else if (minimatch(file, pattern, { dot: true })) included = true;
    }
    return included;
  });
}

export function packingProblems(root, config) {
  const packed = packedFiles(root, config);
  const problems = packed.filter((file) => TEST_ONLY.some((rule) => rule.test(file))).map((file) => `would pack a test-only file: ${file}`);
  for (const file of REQUIRED) if (!packed.includes(file)) problems.push(`would not pack ${file}${existsSync(join(root, file)) ? '' : ' (missing: run npm run build first)'}`);
  return problems;
}

export function checkPackaging(root) {
  const config = readConfig(root);
  return [...schemaProblems(config), ...missingFiles(root, config), ...packingProblems(root, config)];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(import.meta.url), '..', '..');
  const problems = checkPackaging(root);
  for (const problem of problems) console.error(problem);
  if (problems.length) process.exit(1);
  console.log(`Packaging configuration OK: ${packedFiles(root, readConfig(root)).length} app files would be packed, none of them test-only.`);
}
