#!/usr/bin/env node
// `npm run build:native`: builds the optional CUDA benchmark (native/) when this machine can, and otherwise
// says in one line why it was skipped. Windows and macOS usually have neither make nor nvcc, and `npm start`
// must still work there: the app then benchmarks with WebGPU. Only a build that was tried and broke fails.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// native/Makefile also looks here when nvcc is not on PATH (the CUDA Toolkit's default place on Linux).
const NVCC_FALLBACKS = process.platform === 'win32' ? [] : ['/usr/local/cuda/bin/nvcc'];

function isExecutable(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable called `name` on PATH (with Windows' PATHEXT endings), or null. */
export function findOnPath(name, env = process.env) {
  const endings = process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean)) {
    for (const ending of endings) {
      const candidate = join(dir, name + ending.toLowerCase());
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

/** Why the CUDA build cannot run here, in words, or null when make and nvcc are both present. */
export function missingTools(env = process.env) {
  const missing = [];
  if (!findOnPath('make', env)) missing.push('make');
  if (!findOnPath('nvcc', env) && !NVCC_FALLBACKS.some(isExecutable)) missing.push('nvcc (the CUDA Toolkit)');
  return missing.length ? missing.join(' and ') : null;
}

function main() {
  const missing = missingTools();
  const why = process.env.OFFHOURS_SKIP_CUDA === '1' ? 'OFFHOURS_SKIP_CUDA=1 is set' : missing ? `${missing} not found` : null;
  if (why) {
    process.stdout.write(`Skipped the CUDA benchmark (${why}); Offhours benchmarks with WebGPU instead. For the CUDA benchmark, install make and the CUDA Toolkit, then run "npm run build:native".\n`);
    return 0;
  }
  const result = spawnSync('make', ['-s', '-C', join(root, 'native')], { stdio: 'inherit' });
  if (result.status === 0) return 0;
  const how = result.error ? result.error.message : result.signal ? `signal ${result.signal}` : `exit code ${result.status}`;
  process.stderr.write(`\nThe CUDA benchmark failed to build (make -C native: ${how}). Read the compiler errors above; fix the CUDA Toolkit install, or start without the CUDA benchmark: OFFHOURS_SKIP_CUDA=1 npm start.\n`);
  return result.status || 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
