import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { HostProbe } from '../doctor/engine-checks.js';

/** The HostProbe of this Node process. */
export function nodeHostProbe(env: NodeJS.ProcessEnv = process.env): HostProbe {
  return {
    platform: process.platform,
    homeDir: env.HOME ?? env.USERPROFILE ?? '',
    exec: (command, args, timeoutMs = 10_000) =>
      new Promise((resolve) => {
        execFile(command, args, { timeout: timeoutMs, windowsHide: true, encoding: 'utf8' }, (error, stdout) => {
          if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') resolve({ code: null, stdout: '' });
          else resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: stdout ?? '' });
        });
      }),
    onPath: (name) => {
      const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
      return (env.PATH ?? '').split(delimiter).some((dir) => dir && exts.some((ext) => existsSync(join(dir, name + ext))));
    },
    freeBytes: async (path) => {
      try {
        const stats = await statfs(path);
        return Number(stats.bavail) * Number(stats.bsize);
      } catch {
        return null;
      }
    },
  };
}
