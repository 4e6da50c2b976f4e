import type { ProviderApi, ProviderEventName } from '../../../protocol/api.js';
import { createApiClient, eventNameOrNull } from '../../../protocol/rpc.js';
import type { ConnectionListener } from './connection.js';

const TOKEN_KEY = 'offhours.token';

/** The token arrives once in the URL (?token=…); it is kept for this tab only and removed from the address bar. */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY);
}

/** ProviderApi over the headless daemon: HTTP POST for methods, one WebSocket for events (reconnects). */
export function createWebApi(token: string | null, onConnection: ConnectionListener): ProviderApi {
  const listeners = new Map<ProviderEventName, Set<(payload: unknown) => void>>();
  let retryMs = 500;
  // Once the service has said the token is wrong, retrying cannot help; the page says how to get in instead.
  let unauthorized = false;

  const connect = () => {
    const wsUrl = new URL('/api/events', window.location.href);
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    wsUrl.searchParams.set('token', token ?? '');
    const socket = new WebSocket(wsUrl);
    socket.onopen = () => {
      retryMs = 500;
      onConnection('connected');
    };
    socket.onmessage = (message) => {
      const data = JSON.parse(String(message.data)) as { event?: string; payload?: unknown };
      const event = eventNameOrNull(String(data.event));
      if (event) for (const listener of listeners.get(event) ?? []) listener(data.payload);
    };
    socket.onclose = () => {
      if (unauthorized) return;
      onConnection('reconnecting');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };
  connect();

  return createApiClient({
    async invoke(method, input) {
      const response = await fetch(`/api/rpc/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}` },
        body: JSON.stringify({ input }),
      });
      if (response.status === 401) {
        unauthorized = true;
        onConnection('unauthorized');
      }
      return response.json();
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  });
}
