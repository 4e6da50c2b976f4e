import { BrowserWindow, session, shell, type Session } from 'electron';
import { CONTENT_SECURITY_POLICY, isAllowedNavigation, isExternalLinkAllowed, windowWebPreferences } from './security.js';

/** Session-wide hardening: a strict CSP header on every response, every permission refused. */
export function hardenSession(target: Session = session.defaultSession): void {
  target.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  target.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
  target.setDevicePermissionHandler(() => false);
}

export interface MainWindowOptions {
  indexUrl: string;
  preloadPath: string;
  iconPath: string;
  devTools: boolean;
}

/** The one app window: isolated, sandboxed, no Node, and it can never leave index.html or open another. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Offhours',
    backgroundColor: '#0b0e14',
    icon: options.iconPath,
    autoHideMenuBar: true,
    webPreferences: windowWebPreferences(options.preloadPath, options.devTools),
  });
  const contents = window.webContents;
  // No window ever opens; an explorer link (Earnings page) goes to the system browser instead.
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, options.indexUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, options.indexUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.indexUrl);
  return window;
}
