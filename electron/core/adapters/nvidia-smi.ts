import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { NVIDIA_QUERY_FIELDS, NVIDIA_QUERY_FIELDS_LEGACY, type NvidiaSmiOutcome, type NvidiaSmiSource } from '../gpu/ports.js';

interface RunResult {
  kind: 'ran' | 'missing' | 'timeout';
  exitCode: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, windowsHide: true, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ kind: 'ran', exitCode: 0, stdout, stderr });
      const err = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: string | number };
      if (err.code === 'ENOENT') return resolve({ kind: 'missing', exitCode: -1, stdout: '', stderr: '' });
      if (err.killed || err.signal === 'SIGTERM') return resolve({ kind: 'timeout', exitCode: -1, stdout, stderr });
      const exitCode = typeof err.code === 'number' ? err.code : -1;
      resolve({ kind: 'ran', exitCode, stdout: stdout ?? '', stderr: stderr || (typeof err.code === 'string' ? `${err.code}: ${err.message}` : '') });
    });
  });
}

/** Where nvidia-smi lives when it is not on PATH (Windows driver store, WSL2's injected driver folder). */
export function nvidiaSmiCandidates(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string[] {
  if (platform === 'win32') {
    const root = env.SystemRoot ?? env.WINDIR ?? 'C:\\Windows';
    return ['nvidia-smi.exe', join(root, 'System32', 'nvidia-smi.exe'), 'C:\\Program Files\\NVIDIA Corporation\\NVSMI\\nvidia-smi.exe'];
  }
  if (platform === 'linux') return ['nvidia-smi', '/usr/bin/nvidia-smi', '/usr/lib/wsl/lib/nvidia-smi'];
  return ['nvidia-smi'];
}

/** Runs nvidia-smi with execFile and a timeout; the only file that starts it. */
export class NvidiaSmiCli implements NvidiaSmiSource {
  constructor(
    private readonly options: { timeoutMs?: number; candidates?: string[] } = {},
  ) {}

  async query(): Promise<NvidiaSmiOutcome> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    for (const file of this.options.candidates ?? nvidiaSmiCandidates()) {
      let fields: readonly string[] = NVIDIA_QUERY_FIELDS;
      let result = await run(file, [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'], timeoutMs);
      if (result.kind === 'missing') continue;
      if (result.kind === 'ran' && /is not a valid field to query/i.test(result.stdout + result.stderr)) {
        fields = NVIDIA_QUERY_FIELDS_LEGACY;
        result = await run(file, [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'], timeoutMs);
      }
      if (result.kind === 'timeout') return { kind: 'timeout', seconds: Math.ceil(timeoutMs / 1000) };
      if (result.kind === 'missing') continue;
      let header: string | null = null;
      if (result.exitCode === 0) {
        const plain = await run(file, [], timeoutMs);
        header = plain.kind === 'ran' && plain.exitCode === 0 ? plain.stdout : null;
      }
      return { kind: 'exited', exitCode: result.exitCode, fields, stdout: result.stdout, stderr: result.stderr, header };
    }
    return { kind: 'missing' };
  }
}
