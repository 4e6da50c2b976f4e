import { ipcMain, type BrowserWindow } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_PREFIX, providerEvents, providerMethods, type ProviderEventName, type ProviderHandlers } from '../../protocol/api.js';
import { createDispatcher, type RpcResult } from '../../protocol/rpc.js';
import type { EventHub } from '../core/event-hub.js';
import { isTrustedSender } from './security.js';

const FORBIDDEN: RpcResult = {
  ok: false,
  error: { code: 'forbidden', message: 'This window is not allowed to control Offhours.', nextStep: 'Close it and use the Offhours window.' },
};

/**
 * The Electron IPC transport, generated from the ProviderApi tables: one ipcMain.handle per method
 * (inputs parsed by the shared dispatcher), and every event pushed on one channel. Returns a disposer.
 * The one file that touches raw ipcMain (lint enforces it): everything else registers through here.
 */
export function registerIpc(handlers: ProviderHandlers, indexUrl: string): () => void {
  const dispatch = createDispatcher(handlers);
  const channels = Object.keys(providerMethods).map((method) => {
    const channel = `${IPC_INVOKE_PREFIX}${method}`;
    ipcMain.handle(channel, async (event, input: unknown) => {
      if (!isTrustedSender(event.senderFrame?.url, indexUrl)) return FORBIDDEN;
      return dispatch(method, input);
    });
    return channel;
  });
  return () => channels.forEach((channel) => ipcMain.removeHandler(channel));
}

/** Forwards every core event to the window while it exists. Returns a disposer. */
export function forwardEvents(events: EventHub, window: BrowserWindow): () => void {
  const unsubscribers = (Object.keys(providerEvents) as ProviderEventName[]).map((name) =>
    events.on(name, (payload) => {
      if (!window.isDestroyed() && !window.webContents.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, name, payload);
    }),
  );
  return () => unsubscribers.forEach((off) => off());
}
