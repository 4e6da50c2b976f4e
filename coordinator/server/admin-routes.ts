/**
 * The admin and demand-side HTTP API, one handler per entry of `adminRoutes`. Bodies and path parameters
 * are parsed with the contract's schemas before anything is read or written; answers are parsed with the
 * route's response schema too, so a store bug cannot leak a malformed answer.
 */
import type { LatencyRecorder } from './latency.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { adminRoutes, DEFAULT_STATEMENT_PAGE, IdSchema, type AuditReport, type NetworkInfo } from '../../protocol/network.js';
import type { CoordinatorBus, CoordinatorStore } from '../db/store.js';
import { httpError, sendError } from './http-errors.js';

export interface AdminDeps {
  store: CoordinatorStore;
  bus: CoordinatorBus;
  clock: () => Date;
  network: NetworkInfo;
  instanceId: string;
  version: string;
  startedAt: Date;
  matcher: { kick(): void };
  heartbeatLatency: LatencyRecorder;
  /** The money invariants (coordinator/audit.ts) over this coordinator's database and chain. */
  audit: () => Promise<AuditReport>;
  log: (message: string, error?: unknown) => void;
}

type RouteName = keyof typeof adminRoutes;
type Handler = (deps: AdminDeps, body: unknown, params: Record<string, string>, query: unknown) => Promise<unknown>;

/** How many jobs the listing returns (newest first). */
const JOB_LIST_LIMIT = 500;

const handlers: Record<RouteName, Handler> = {
  async status(deps) {
    const now = deps.clock();
    const counts = await deps.store.status(now);
    return { ...counts, network: deps.network, instanceId: deps.instanceId, version: deps.version, uptimeSeconds: Math.max(0, Math.floor((now.getTime() - deps.startedAt.getTime()) / 1000)), heartbeats: deps.heartbeatLatency.summary() };
  },
  async submitJob(deps, body) {
    const request = adminRoutes.submitJob.body.parse(body);
    const job = await deps.store.submitJob(request, 'admin', deps.clock());
    await deps.bus.publish({ kind: 'job-queued', jobId: job.jobId });
    deps.matcher.kick();
    return job;
  },
  async listJobs(deps) {
    return deps.store.listJobs(JOB_LIST_LIMIT);
  },
  async listProviders(deps) {
    return deps.store.listProviders(deps.clock());
  },
  async cancelJob(deps, body, params) {
    const jobId = IdSchema.safeParse(params.jobId);
    if (!jobId.success) throw httpError(400, 'malformed', 'The job id is not valid.');
    const { reason } = adminRoutes.cancelJob.body.parse(body);
    const cancelled = await deps.store.cancelJob(jobId.data, reason, deps.clock());
    if (!cancelled) throw httpError(404, 'unknown-job', `No job "${jobId.data}" can be cancelled (unknown, or already over).`);
    if (cancelled.providerId) {
      await deps.bus.publish({ kind: 'cancel-job', providerId: cancelled.providerId, jobId: jobId.data, reason });
      await deps.bus.publish({ kind: 'earnings', providerId: cancelled.providerId });
    }
    return cancelled.job;
  },
  async audit(deps) {
    return deps.audit();
  },
  async statement(deps, _body, params, query) {
    const providerId = IdSchema.safeParse(params.providerId);
    if (!providerId.success) throw httpError(400, 'malformed', 'The provider id is not valid.');
    const page = adminRoutes.statement.query.parse(query);
    const statement = await deps.store.statementOf(providerId.data, { after: page.after ?? null, limit: page.limit ?? DEFAULT_STATEMENT_PAGE });
    if (!statement) throw httpError(404, 'unknown-provider', `No provider "${providerId.data}" is enrolled.`);
    return statement;
  },
};

function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'invalid';
  return issue.path.length > 0 ? `${issue.path.map(String).join('.')} ${issue.message}` : issue.message;
}

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  for (const name of Object.keys(adminRoutes) as RouteName[]) {
    const route = adminRoutes[name];
    app.route({
      method: route.method,
      url: route.path,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const body = route.body.safeParse(request.body);
        if (!body.success) return sendError(reply, 400, 'malformed', `The request body is not valid: ${body.error.issues[0]?.message ?? 'invalid'}.`);
        const query = 'query' in route ? route.query.safeParse(request.query) : { success: true as const, data: undefined };
        if (!query.success) return sendError(reply, 400, 'malformed', `The query string is not valid: ${describeIssue(query.error.issues[0])}.`);
        const result = await handlers[name](deps, body.data, request.params as Record<string, string>, query.data);
        const checked = route.response.safeParse(result);
        if (!checked.success) {
          deps.log(`admin ${name}: the answer does not match the contract`, checked.error);
          return sendError(reply, 500, 'internal', 'The coordinator produced an invalid answer.');
        }
        return reply.send(checked.data);
      },
    });
  }
}
