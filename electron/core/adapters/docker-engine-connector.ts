import { existsSync } from 'node:fs';
import { engineCandidates, parseEndpoint, type EngineCandidate } from '../jobs/discovery.js';
import type { EngineConnection, EngineConnector, EngineProblem } from '../jobs/ports.js';
import { DockerEngine } from './docker-engine.js';
import { describe, type HttpError } from './docker-wire.js';

function problemFor(endpoint: string, error: unknown): EngineProblem {
  const code = (error as HttpError | null)?.code;
  const detail = describe(error);
  if (code === 'EACCES' || code === 'EPERM') return { kind: 'permission-denied', endpoint, detail };
  if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ECONNRESET') return { kind: 'not-running', endpoint, detail };
  return { kind: 'error', endpoint, detail };
}

const PROBLEM_RANK: Record<EngineProblem['kind'], number> = { 'permission-denied': 3, 'not-running': 2, error: 1, missing: 0 };

/** Tries each discovery candidate in order; the first that answers wins, else the most telling problem. */
export class DockerEngineConnector implements EngineConnector {
  constructor(private readonly candidates: EngineCandidate[]) {}

  static forThisMachine(env: NodeJS.ProcessEnv = process.env): DockerEngineConnector {
    const uid = typeof process.getuid === 'function' ? process.getuid() : null;
    return new DockerEngineConnector(engineCandidates({ env, platform: process.platform, home: env.HOME ?? env.USERPROFILE ?? '', uid }));
  }

  async connect(): Promise<EngineConnection> {
    let worst: EngineProblem | null = null;
    const tried: string[] = [];
    for (const candidate of this.candidates) {
      const parsed = parseEndpoint(candidate.endpoint);
      if (parsed.kind === 'invalid') {
        worst = pick(worst, { kind: 'error', endpoint: candidate.endpoint, detail: parsed.reason });
        continue;
      }
      // A socket file that is not there is not an engine; DOCKER_HOST is tried regardless, since it was asked for.
      if (parsed.kind === 'socket' && !parsed.socketPath.startsWith('\\\\') && !existsSync(parsed.socketPath) && candidate.source !== 'DOCKER_HOST') {
        tried.push(candidate.endpoint);
        continue;
      }
      tried.push(candidate.endpoint);
      try {
        const engine = await DockerEngine.open(candidate.endpoint);
        await engine.ping();
        return { ok: true, engine, info: await engine.info() };
      } catch (error) {
        worst = pick(worst, problemFor(candidate.endpoint, error));
      }
    }
    return { ok: false, problem: worst ?? { kind: 'missing', tried } };
  }
}

function pick(current: EngineProblem | null, next: EngineProblem): EngineProblem {
  if (!current) return next;
  return PROBLEM_RANK[next.kind] > PROBLEM_RANK[current.kind] ? next : current;
}
