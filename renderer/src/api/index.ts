import type { ProviderApi } from '../../../protocol/api.js';
import type { ConnectionListener } from './connection.js';
import { createWebApi, takeToken } from './web-client.js';

declare global {
  interface Window {
    /** Present in the Electron window (exposed by the preload); absent in a browser. */
    offhours?: ProviderApi;
  }
}

/**
 * The only place in the renderer that knows which transport it has: Electron IPC through the preload,
 * or the headless daemon over HTTP/WebSocket.
 */
export function connectApi(onConnection: ConnectionListener): ProviderApi {
  if (window.offhours) {
    onConnection('connected');
    return window.offhours;
  }
  return createWebApi(takeToken(window.location, window.sessionStorage, window.history), onConnection);
}

export type { ProviderApi };
