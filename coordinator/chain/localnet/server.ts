/**
 * The local chain behind HTTP JSON-RPC 2.0, as a validator's RPC port serves it: POST JSON (single or batch)
 * at any path, bodies up to 50 KiB, GET /health, CORS open (the dashboard may check payouts from a browser).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorReply, INTERNAL_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, readRequest, RpcError, stringifyWithBigInts, type RpcReply } from './json-rpc.js';
import { findMethod, type MethodContext } from './methods.js';
import { openChain } from './store.js';

/** agave's MAX_REQUEST_BODY_SIZE. */
export const MAX_REQUEST_BODY_BYTES = 50 * 1024;
export const DEFAULT_LOCALNET_PORT = 8899;

export interface LocalnetOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  dataDir: string;
  /** Wall time (tests move it to age blockhashes). */
  clock?: () => Date;
  /** How long to wait for another local chain to let go of the data folder. */
  lockWaitMs?: number;
  log?: (line: string) => void;
}

export interface RunningLocalnet {
  url: string;
  port: number;
  genesisHash: string;
  close(): Promise<void>;
}

const CORS_HEADERS = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST, GET, OPTIONS', 'access-control-allow-headers': 'content-type, solana-client' };

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY_BYTES) {
        reject(new BodyTooLargeError());
        request.pause();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: string, type = 'application/json'): void {
  response.writeHead(status, { ...CORS_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function answerOne(context: MethodContext, value: unknown, log: (line: string) => void): Promise<RpcReply | null> {
  const request = readRequest(value);
  if (request instanceof RpcError) return errorReply(null, request);
  const handler = findMethod(request.method);
  let reply: RpcReply;
  if (!handler) {
    reply = errorReply(request.id, new RpcError(METHOD_NOT_FOUND, 'Method not found'));
  } else {
    try {
      reply = { jsonrpc: '2.0', id: request.id, result: await handler(context, request.params) };
    } catch (error) {
      if (!(error instanceof RpcError)) log(`localnet: ${request.method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      reply = errorReply(request.id, error instanceof RpcError ? error : new RpcError(INTERNAL_ERROR, 'Internal error'));
    }
  }
  return request.notification ? null : reply;
}

/** One HTTP body: a request, or a batch answered as an array (requests run in order, one at a time). */
async function answerBody(context: MethodContext, body: string, log: (line: string) => void): Promise<unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return errorReply(null, new RpcError(PARSE_ERROR, 'Parse error'));
  }
  if (!Array.isArray(parsed)) return answerOne(context, parsed, log);
  if (parsed.length === 0) return errorReply(null, new RpcError(INVALID_REQUEST, 'Invalid request'));
  const replies: RpcReply[] = [];
  for (const item of parsed) {
    const reply = await answerOne(context, item, log);
    if (reply) replies.push(reply);
  }
  return replies.length ? replies : null;
}

async function handle(context: MethodContext, request: IncomingMessage, response: ServerResponse, log: (line: string) => void): Promise<void> {
  if (request.method === 'OPTIONS') return void send(response, 204, '', 'text/plain');
  if (request.method === 'GET') {
    return request.url === '/health' ? send(response, 200, 'ok', 'text/plain') : send(response, 405, 'Used HTTP Method is not allowed. POST or OPTIONS is required', 'text/plain');
  }
  if (request.method !== 'POST') return send(response, 405, 'Used HTTP Method is not allowed. POST or OPTIONS is required', 'text/plain');
  if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    return send(response, 415, 'Supported content types are: application/json', 'text/plain');
  }
  let body: string;
  try {
    body = await readBody(request);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      response.setHeader('connection', 'close');
      return send(response, 413, `Request body larger than ${MAX_REQUEST_BODY_BYTES} bytes`, 'text/plain');
    }
    throw error;
  }
  const answer = await answerBody(context, body, log);
  send(response, 200, answer === null ? '' : stringifyWithBigInts(answer));
}

/** Opens (or creates) the chain in `dataDir` and serves it; `close()` snapshots, unlocks and stops. */
export async function startLocalnet(options: LocalnetOptions): Promise<RunningLocalnet> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.clock ? () => options.clock!().getTime() : () => Date.now();
  const chain = await openChain(options.dataDir, now, options.lockWaitMs);
  let snapshotQueued = false;
  const context: MethodContext = {
    ledger: chain.ledger,
    genesisHash: chain.genesis.genesisHash,
    landed: () => {
      if (snapshotQueued) return;
      snapshotQueued = true;
      // After the answer is sent: a snapshot never delays the caller.
      setImmediate(() => {
        snapshotQueued = false;
        try {
          chain.maybeSnapshot();
        } catch (error) {
          log(`localnet: snapshot failed (the journal still has everything): ${(error as Error).message}`);
        }
      });
    },
  };
  const server = createServer((request, response) => {
    handle(context, request, response, log).catch((error: unknown) => {
      log(`localnet: request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) send(response, 500, 'Internal server error', 'text/plain');
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_LOCALNET_PORT, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (error) {
    chain.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const host = options.host === undefined || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      chain.close();
    })());
  return { url: `http://${host}:${port}`, port, genesisHash: chain.genesis.genesisHash, close };
}
