import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderEventName } from '../../protocol/api.js';
import { providerEvents } from '../../protocol/api.js';
import { createDispatcher } from '../../protocol/rpc.js';
import type { ProviderCore } from '../core/api.js';


/**
 * The dashboard's Content-Security-Policy: only our own files, no inline code or styles, no frames, workers or
 * plugins, and no connection but back to this daemon (its WebSocket included: 'self' covers ws: to the same host).
 */
export const DASHBOARD_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'; worker-src 'none'";

export interface DaemonOptions {
  core: ProviderCore;
  host: string;
  port: number;
  token: string;
  /** The built renderer (dist/renderer); when missing, the API still works and / explains how to build. */
  rendererDir: string;
  /** Accept Host headers other than loopback names (only with --allow-remote). */
  allowRemote: boolean;
  /** Time a client has to send a whole request, headers and body (tests shorten it). */
  requestTimeoutMs?: number;
}

export interface RunningDaemon {
  url: string;
  port: number;
  close(): Promise<void>;
}

const UNAUTHORIZED = {
  ok: false,
  error: {
    code: 'unauthorized',
    message: 'This request did not carry the access token of this Offhours service.',
    nextStep: 'Open the link that "offhours headless" printed (it contains the token), or read it from daemon.json in the data folder.',
  },
};

export function tokensMatch(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function requestToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' ? query.token : undefined;
}

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);
/** A name or IPv4 (letters, digits, dots, hyphens) or a bracketed IPv6, then an optional port: nothing else in a Host header. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i;

/**
 * Splits a Host header into its name and port, or null when it is not exactly host[:port]. A prefix match once let
 * `127.0.0.1:evil.com` and `[::1]evil.com` through; whatever follows the name must be a port number and nothing more.
 */
export function parseHostHeader(host: string): { hostname: string; port: number | null } | null {
  const match = HOST_HEADER.exec(host);
  if (!match) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { hostname: match[1]!.toLowerCase(), port };
}

/**
 * Rejects DNS-rebinding: a page on another site resolving its name to 127.0.0.1 must not reach the API. Loopback
 * names always pass; with --allow-remote the configured listen address passes too, and any well-formed host when that
 * address is a wildcard (0.0.0.0: the names other PCs use for this one cannot be known here).
 */
export function hostAllowed(hostHeader: string | undefined, listenHost: string, allowRemote: boolean): boolean {
  const parsed = parseHostHeader(hostHeader ?? '');
  if (!parsed) return false;
  if (LOOPBACK_HOSTNAMES.has(parsed.hostname)) return true;
  if (!allowRemote) return false;
  const configured = (listenHost.includes(':') ? `[${listenHost}]` : listenHost).toLowerCase();
  return WILDCARD_HOSTS.has(configured) || parsed.hostname === configured;
}

/** The one route that speaks WebSocket; an upgrade anywhere else is refused before the handshake. */
const EVENTS_ROUTE = '/api/events';

/** Default time for a whole request: the largest body (1 MB) arrives in well under this even on a slow link. */
export const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Answers with an error. A refused WebSocket upgrade owns its raw socket (no HTTP server manages it),
 * so it is destroyed once the answer is out; otherwise it would linger and hold shutdown.
 */
function refuse(request: FastifyRequest, reply: FastifyReply, status: number, body: unknown): FastifyReply {
  if (request.headers.upgrade) reply.raw.once('finish', () => request.raw.socket.destroy());
  return reply.code(status).send(body);
}

/** Events queued for one WebSocket client, in bytes, past which it is dropped (a day of floods must not pile up). */
export const MAX_CLIENT_BACKLOG_BYTES = 4 * 1024 * 1024;

export function tooFarBehind(bufferedBytes: number): boolean {
  return bufferedBytes > MAX_CLIENT_BACKLOG_BYTES;
}

/** Serves ProviderApi over HTTP (methods) and WebSocket (events), plus the web dashboard, on one port. */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const { core, token } = options;
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true,
    // A client that sends headers and then trickles its body (or its headers) must not hold a connection for good:
    // Node cuts off a request not fully received in this time. It checks on an interval, so that is kept short too.
    requestTimeout,
    http: { headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(1000, requestTimeout) },
  });
  const dispatch = createDispatcher(core.handlers);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!hostAllowed(request.headers.host, options.host, options.allowRemote)) {
      return refuse(request, reply, 421, { ok: false, error: { code: 'bad-host', message: 'Unexpected Host header.', nextStep: null } });
    }
    // The websocket plugin would complete the handshake on any route and only then close (the socket then lingered
    // for the close timeout): refuse upgrades off the events route while this is still a plain HTTP answer.
    if (request.headers.upgrade && request.routeOptions.url !== EVENTS_ROUTE) {
      return refuse(request, reply, 400, {
        ok: false,
        error: { code: 'no-websocket-here', message: `WebSocket connections are only accepted at ${EVENTS_ROUTE}.`, nextStep: null },
      });
    }
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Content-Security-Policy', DASHBOARD_CONTENT_SECURITY_POLICY);
    // The router percent-decodes paths (/%61pi/rpc/x reaches /api/rpc/:method), so the route it matched decides too.
    const apiRequest = request.url.startsWith('/api/') || (request.routeOptions.url ?? '').startsWith('/api/');
    if (apiRequest && !tokensMatch(token, requestToken(request))) {
      return refuse(request, reply, 401, UNAUTHORIZED);
    }
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  app.post<{ Params: { method: string }; Body: { input?: unknown } | undefined }>('/api/rpc/:method', async (request) => {
    return dispatch(request.params.method, request.body?.input);
  });

  app.get(EVENTS_ROUTE, { websocket: true }, (socket) => {
    const unsubscribers = (Object.keys(providerEvents) as ProviderEventName[]).map((event) =>
      core.events.on(event, (payload) => {
        if (socket.readyState !== socket.OPEN) return;
        // A tab that stopped reading (asleep, frozen) would make us queue every event for it, forever:
        // drop it instead; the dashboard reconnects and starts from a fresh state snapshot.
        if (tooFarBehind(socket.bufferedAmount)) socket.terminate();
        else socket.send(JSON.stringify({ event, payload }));
      }),
    );
    socket.send(JSON.stringify({ event: 'state', payload: core.getState() }));
    socket.on('close', () => unsubscribers.forEach((off) => off()));
  });

  if (existsSync(join(options.rendererDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: options.rendererDir, prefix: '/', index: ['index.html'], dotfiles: 'deny' });
  } else {
    app.get('/', async (_request, reply) =>
      reply
        .type('text/html')
        .send('<!doctype html><title>Offhours</title><p>The dashboard has not been built. Run <code>npm run build</code>, then restart <code>offhours headless</code>.</p>'),
    );
  }

  const address = await app.listen({ host: options.host, port: options.port });
  const port = Number(new URL(address).port);
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${port}/?token=${token}`,
    port,
    close: () => app.close(),
  };
}
