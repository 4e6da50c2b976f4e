import WebSocket from 'ws';
import { MAX_FRAME_BYTES } from '../../../protocol/network.js';
import type { CoordinatorConnection, CoordinatorConnectionEvents, CoordinatorSocket } from '../network/ports.js';

export interface WsCoordinatorSocketOptions {
  /** A WebSocket ping this often; no pong by the next one means the coordinator is gone (a silent network drop). */
  keepAliveMs: number;
  /** Opening the connection may take this long. */
  connectTimeoutMs: number;
}

const DEFAULTS: WsCoordinatorSocketOptions = { keepAliveMs: 10_000, connectTimeoutMs: 10_000 };

/** The CoordinatorSocket port on the `ws` library: the only file that touches it on the app side. */
export class WsCoordinatorSocket implements CoordinatorSocket {
  constructor(private readonly options: WsCoordinatorSocketOptions = DEFAULTS) {}

  connect(url: string, events: CoordinatorConnectionEvents): CoordinatorConnection {
    const socket = new WebSocket(url, { maxPayload: MAX_FRAME_BYTES, handshakeTimeout: this.options.connectTimeoutMs, perMessageDeflate: false });
    let closed = false;
    let alive = true;
    let keepAlive: ReturnType<typeof setInterval> | null = null;
    const close = (reason: string) => {
      if (closed) return;
      closed = true;
      if (keepAlive) clearInterval(keepAlive);
      events.onClose(reason);
    };
    socket.on('open', () => {
      keepAlive = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
      }, this.options.keepAliveMs);
      keepAlive.unref();
      events.onOpen();
    });
    socket.on('pong', () => (alive = true));
    socket.on('message', (data, isBinary) => {
      alive = true;
      if (!isBinary) events.onMessage(rawText(data));
    });
    socket.on('error', (error) => close(plainReason(error)));
    socket.on('close', (code, reason) => close(`closed (${code}${reason.length ? `: ${reason.toString('utf8')}` : ''})`));
    return {
      send: (text) => {
        if (socket.readyState !== WebSocket.OPEN) return false;
        socket.send(text);
        return true;
      },
      close: () => {
        if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
        else socket.close(1000, 'bye');
      },
    };
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function plainReason(error: Error & { code?: string }): string {
  if (error.code === 'ECONNREFUSED') return 'nothing is listening at the coordinator address';
  if (error.code === 'ENOTFOUND') return 'the coordinator address does not resolve';
  return error.message;
}
