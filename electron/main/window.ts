import { BrowserWindow, session, shell, type Session } from 'electron';
import { CONTENT_SECURITY_POLICY, isAllowedNavigation, isExternalLinkAllowed, windowWebPreferences } from './security.js';

/** Session-wide hardening: a strict CSP header on every response, every permission refused. */
export function hardenSession(target: Session = session.defaultSession): void {
  target.webRequest.onHeadersReceived((details, callback) => {
    // Electronegativity cannot read a policy held in a constant. This is security.ts's CONTENT_SECURITY_POLICY; index.html
    // carries the same policy in a meta tag, where it is scanned (security-checklist.test.ts keeps the two equal).
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } }); // eng-disable CSP_GLOBAL_CHECK
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
  // Electronegativity looks for contextIsolation, sandbox and disableBlinkFeatures in this literal; they come from
  // windowWebPreferences() (security.ts), which security-checklist.test.ts asserts field by field.
  const window = new BrowserWindow({ // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
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
    // Only https explorer links to a transaction pass isExternalLinkAllowed (an allow-list, tested in shell.test.ts).
    if (isExternalLinkAllowed(url)) void shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK
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
