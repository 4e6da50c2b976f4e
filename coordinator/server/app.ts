/**
 * The coordinator's HTTP and WebSocket surface, thin: health, network info, the provider session socket and
 * the admin API. Every request is rate-limited per client address before anything else; admin requests need
 * the bearer token (compared in constant time) before their body is even parsed.
 */
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import { HEALTH_PATH, MAX_ADMIN_BODY_BYTES, MAX_FRAME_BYTES, PROVIDER_WS_PATH, PUBLIC_INFO_PATH, type NetworkInfo } from '../../protocol/network.js';
import { KeyedBuckets } from '../domain/session-limits.js';
import { registerAdminRoutes, type AdminDeps } from './admin-routes.js';
import { classifyError, errorBody, sendError } from './http-errors.js';
import { ProviderConnection, type ConnectionDeps } from './provider-connection.js';

/** ws closes a connection outright (code 1009) above this; between MAX_FRAME_BYTES and it, the answer is a 'too-large' frame. */
export const HARD_FRAME_LIMIT_BYTES = 2 * MAX_FRAME_BYTES;
/** Client addresses remembered by the HTTP rate limiter. */
const MAX_TRACKED_CLIENTS = 10_000;
const ADMIN_PREFIX = '/v1/admin/';

export interface ServerDeps extends ConnectionDeps, Omit<AdminDeps, 'log'> {
  adminToken: string;
  network: NetworkInfo;
}

export function tokensMatch(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

/** A refused upgrade owns its raw socket (no HTTP server manages it): destroy it once the answer is out. */
function refuse(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  if (request.headers.upgrade) reply.raw.once('finish', () => request.raw.socket.destroy());
  return sendError(reply, status, code, message);
}

function rawBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: MAX_ADMIN_BODY_BYTES, forceCloseConnections: true, trustProxy: false });
  const perClient = new KeyedBuckets(deps.limits.http, MAX_TRACKED_CLIENTS);

  app.setErrorHandler((error, _request, reply) => {
    const { statusCode, code, message } = classifyError(error);
    if (statusCode >= 500) deps.log('request failed', error);
    return sendError(reply, statusCode, code, message);
  });
  app.setNotFoundHandler((request, reply) => refuse(request, reply, 404, 'not-found', 'No such route.'));

  app.addHook('onRequest', async (request, reply) => {
    if (!perClient.take(request.ip, deps.clock().getTime())) return refuse(request, reply, 429, 'rate-limited', 'Too many requests: slow down.');
    const route = request.routeOptions.url ?? '';
    if (request.headers.upgrade && route !== PROVIDER_WS_PATH) return refuse(request, reply, 404, 'not-found', `WebSocket connections are accepted at ${PROVIDER_WS_PATH} only.`);
    // The router percent-decodes paths, so the route it matched decides as well as the raw URL.
    const admin = request.url.startsWith(ADMIN_PREFIX) || route.startsWith(ADMIN_PREFIX);
    if (admin && !tokensMatch(deps.adminToken, bearer(request))) return refuse(request, reply, 401, 'unauthorized', 'This request did not carry the admin token (Authorization: Bearer …).');
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: HARD_FRAME_LIMIT_BYTES, perMessageDeflate: false } });

  app.get(HEALTH_PATH, async () => ({ ok: true, instanceId: deps.instanceId }));
  app.get(PUBLIC_INFO_PATH, async () => deps.network);
  app.route({
    method: 'GET',
    url: PROVIDER_WS_PATH,
    handler: async (_request, reply) => reply.code(426).send(errorBody('upgrade-required', 'This is the provider WebSocket; connect with a WebSocket client.')),
    wsHandler: (socket: WebSocket) => attachProvider(socket, deps),
  });
  registerAdminRoutes(app, deps);
  return app;
}

function attachProvider(socket: WebSocket, deps: ConnectionDeps): void {
  const connection = new ProviderConnection(deps, {
    send: (text) => {
      if (socket.readyState === socket.OPEN) socket.send(text);
    },
    close: (code, reason) => socket.close(code, reason),
  });
  socket.on('message', (data: RawData, binary: boolean) => {
    const bytes = rawBytes(data);
    // An oversized frame is refused by length; decoding it first would only cost time.
    const text = binary || bytes.length > MAX_FRAME_BYTES ? '' : bytes.toString('utf8');
    connection.receive({ text, byteLength: bytes.length, binary });
  });
  socket.on('close', () => connection.onClosed());
  connection.open();
}
