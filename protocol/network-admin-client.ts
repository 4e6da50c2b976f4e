/**
 * A typed client for the coordinator's admin routes (`adminRoutes`): requests are checked against the route's
 * body schema before they leave, responses are parsed with the route's response schema. Pure: the HTTP call
 * goes through a transport the caller provides (fetch in Node), so protocol/ stays free of any runtime.
 */
import type { z } from 'zod';
import { adminRoutes, HttpErrorBodySchema, type StatementQuery } from './network.js';

export interface HttpTransportRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface HttpTransport {
  /** Rejects only when no answer came (connection refused, timeout). */
  request(request: HttpTransportRequest): Promise<{ status: number; body: string }>;
}

export type AdminRouteName = keyof typeof adminRoutes;
type Route<K extends AdminRouteName> = (typeof adminRoutes)[K];
export type AdminBody<K extends AdminRouteName> = z.input<Route<K>['body']>;
export type AdminResponse<K extends AdminRouteName> = z.infer<Route<K>['response']>;

/** What went wrong, in words for the person at the terminal; `status` null when the coordinator did not answer. */
export class AdminClientError extends Error {
  constructor(
    readonly status: number | null,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminClientError';
  }
}

/** Fills `:name` placeholders; each value is percent-encoded so an id cannot change the path. */
export function adminPath(template: string, params: Record<string, string>): string {
  return template.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new AdminClientError(null, 'bad-request', `missing path parameter "${name}"`);
    return encodeURIComponent(value);
  });
}

/** `?a=1&b=2` from the values given (undefined ones left out), checked against the route's query schema first. */
function queryString(route: (typeof adminRoutes)[AdminRouteName], name: string, query: Record<string, string | number | undefined> | undefined): string {
  const entries = Object.entries(query ?? {}).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  if (entries.length === 0) return '';
  if (!('query' in route)) throw new AdminClientError(null, 'bad-request', `The ${name} request takes no query string.`);
  const checked = route.query.safeParse(Object.fromEntries(entries));
  if (!checked.success) throw new AdminClientError(null, 'bad-request', `The ${name} request is not valid: ${checked.error.issues[0]?.path.join('.') ?? ''} ${checked.error.issues[0]?.message ?? 'invalid'}`);
  return `?${new URLSearchParams(entries.map(([key, value]): [string, string] => [key, String(value)])).toString()}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export class AdminClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly token: string,
    private readonly transport: HttpTransport,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  status(): Promise<AdminResponse<'status'>> {
    return this.call('status', {}, undefined);
  }

  submitJob(request: AdminBody<'submitJob'>): Promise<AdminResponse<'submitJob'>> {
    return this.call('submitJob', {}, request);
  }

  listJobs(): Promise<AdminResponse<'listJobs'>> {
    return this.call('listJobs', {}, undefined);
  }

  listProviders(): Promise<AdminResponse<'listProviders'>> {
    return this.call('listProviders', {}, undefined);
  }

  cancelJob(jobId: string, reason: string): Promise<AdminResponse<'cancelJob'>> {
    return this.call('cancelJob', { jobId }, { reason });
  }

  audit(): Promise<AdminResponse<'audit'>> {
    return this.call('audit', {}, undefined);
  }

  /** One page of a provider's statement: `after` the previous page's nextCursor (none for the first page). */
  statement(providerId: string, page: StatementQuery = {}): Promise<AdminResponse<'statement'>> {
    return this.call('statement', { providerId }, undefined, page);
  }

  /** Every page of a provider's statement, in order (one request per page). */
  async wholeStatement(providerId: string, pageSize?: number): Promise<AdminResponse<'statement'>> {
    const size = pageSize === undefined ? {} : { limit: pageSize };
    const first = await this.statement(providerId, size);
    const receipts = [...first.receipts];
    for (let cursor = first.nextCursor; cursor !== null; ) {
      const page = await this.statement(providerId, { ...size, after: cursor });
      // A cursor that does not move on would page forever.
      if (page.nextCursor === cursor) throw new AdminClientError(200, 'bad-response', `The coordinator's statement pages do not move on past ${cursor}.`);
      receipts.push(...page.receipts);
      cursor = page.nextCursor;
    }
    return { ...first, receipts, nextCursor: null };
  }

  async call<K extends AdminRouteName>(name: K, params: Record<string, string>, body: AdminBody<K>, query?: Record<string, string | number | undefined>): Promise<AdminResponse<K>> {
    const route = adminRoutes[name];
    const checked = route.body.safeParse(body);
    if (!checked.success) throw new AdminClientError(null, 'bad-request', `The ${name} request is not valid: ${checked.error.issues[0]?.message ?? 'invalid'}`);
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (checked.data !== undefined) headers['content-type'] = 'application/json';
    const url = `${this.baseUrl}${adminPath(route.path, params)}${queryString(route, name, query)}`;
    const answer = await this.send({ method: route.method, url, headers, body: checked.data === undefined ? undefined : JSON.stringify(checked.data) });
    const json = parseJson(answer.body);
    if (answer.status >= 400) {
      const error = HttpErrorBodySchema.safeParse(json);
      if (error.success) throw new AdminClientError(answer.status, error.data.error.code, error.data.error.message);
      throw new AdminClientError(answer.status, 'http', `The coordinator answered HTTP ${answer.status}.`);
    }
    const parsed = route.response.safeParse(json);
    if (!parsed.success) throw new AdminClientError(answer.status, 'bad-response', `The coordinator's answer to ${name} does not match the protocol (a different version?).`);
    return parsed.data as AdminResponse<K>;
  }

  private async send(request: HttpTransportRequest): Promise<{ status: number; body: string }> {
    try {
      return await this.transport.request(request);
    } catch (error) {
      throw new AdminClientError(null, 'unreachable', `No answer from the coordinator at ${this.baseUrl} (${(error as Error).message}).`);
    }
  }
}
