import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_PREFIX } from '../../protocol/api.js';
import { createApiClient } from '../../protocol/rpc.js';

/**
 * The renderer's only door to the app: window.offhours, a ProviderApi over IPC. Nothing else from
 * Electron or Node is exposed. Bundled to one CommonJS file (a sandboxed preload cannot import).
 */
const api = createApiClient({
  invoke: (method, input) => ipcRenderer.invoke(`${IPC_INVOKE_PREFIX}${method}`, input),
  subscribe: (event, listener) => {
    const handler = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
});

contextBridge.exposeInMainWorld('offhours', api);
