import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorCheckProvider } from '../context.js';

export const MIN_NODE = [20, 19] as const;

export function nodeVersionOk(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map((part) => Number.parseInt(part, 10));
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/** The runtime and the data folder. */
export const systemChecks: DoctorCheckProvider = (context) => [
  {
    id: 'node-version',
    title: 'Node.js',
    async run() {
      const where = context.runtime === 'electron' ? ' (bundled with the app)' : '';
      if (nodeVersionOk(context.nodeVersion)) return { status: 'ok', summary: `Node ${context.nodeVersion}${where}.`, fix: null };
      return {
        status: 'fail',
        summary: `Node ${context.nodeVersion} is too old; Offhours needs ${MIN_NODE.join('.')} or newer.`,
        fix: 'Install Node.js 20 LTS or newer from nodejs.org (or your package manager), then run Offhours again.',
      };
    },
  },
  {
    id: 'data-dir',
    title: 'Data folder',
    async run() {
      const probe = join(context.dataDir, `.doctor-${process.pid}-${Date.now()}`);
      try {
        mkdirSync(context.dataDir, { recursive: true, mode: 0o700 });
        writeFileSync(probe, 'offhours');
        if (readFileSync(probe, 'utf8') !== 'offhours') throw new Error('what was written did not read back');
        return { status: 'ok', summary: `${context.dataDir} is writable.`, fix: null };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return {
          status: 'fail',
          summary: `Offhours cannot write to ${context.dataDir}${code ? ` (${code})` : ''}: ${(error as Error).message}`,
          fix: code === 'ENOSPC' ? 'Free some disk space, then run Offhours again.' : 'Make the folder writable for your user, or start Offhours with --data-dir pointing at a folder you own.',
        };
      } finally {
        try {
          rmSync(probe, { force: true });
        } catch {
          // Nothing was written, so there is nothing to clean up.
        }
      }
    },
  },
];
