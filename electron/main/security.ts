/**
 * Pure security rules of the desktop shell (no Electron import, so they are unit-tested).
 */

/** The subset of Electron's WebPreferences the app window sets; every field is spelled out so none falls back to a default. */
export interface WindowWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  enableBlinkFeatures: '';
  disableBlinkFeatures: 'Auxclick';
  navigateOnDragDrop: false;
  safeDialogs: true;
  spellcheck: false;
  devTools: boolean;
}

/**
 * The app window's webPreferences (Electron's security checklist, items 2–6 and 9–12): the page is isolated and
 * sandboxed, has no Node, cannot load insecure or remote content, and reaches core only through the preload's
 * `window.offhours`. Developer tools only when asked for (development builds).
 */
export function windowWebPreferences(preloadPath: string, devTools: boolean): WindowWebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    // A middle click would otherwise try to open a link in a new window (denied anyway): it does nothing at all.
    disableBlinkFeatures: 'Auxclick',
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools,
  };
}

/** The window's Content-Security-Policy, sent as a response header for everything the session loads. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
].join('; ');

/** Strips query and fragment: the renderer routes with #/page, which must not change who it is. */
function withoutSuffix(url: string): string | null {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    parsed.search = '';
    return parsed.href;
  } catch {
    return null;
  }
}

/** IPC is answered only for frames showing our own index.html (file URL), whatever the route. */
export function isTrustedSender(senderUrl: string | null | undefined, indexUrl: string): boolean {
  if (!senderUrl) return false;
  const sender = withoutSuffix(senderUrl);
  return sender !== null && sender === withoutSuffix(indexUrl);
}

/** In-page navigation (hash routes) is fine; leaving index.html is not. */
export function isAllowedNavigation(targetUrl: string, indexUrl: string): boolean {
  return isTrustedSender(targetUrl, indexUrl);
}

/**
 * Links the window may hand to the system browser: a public Solana explorer's transaction page (the Earnings
 * page's "View on explorer"). Everything else a page tries to open is refused.
 */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.hostname === 'explorer.solana.com' && parsed.pathname.startsWith('/tx/') && !parsed.username && !parsed.password && !parsed.port;
  } catch {
    return false;
  }
}
