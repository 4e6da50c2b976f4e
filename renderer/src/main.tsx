import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectApi } from './api/index.js';
import { App } from './App.js';
import { AppStoreContext, createAppStore } from './stores/app-store.js';
import { pageFromHash } from './stores/ui-slice.js';
import './styles.css';

let store: ReturnType<typeof createAppStore> | null = null;
const api = connectApi((status) => {
  store?.getState().setConnection(status);
  // The dashboard waits for settings (they decide whether the first-run wizard shows): a first load that failed is retried once the service answers again.
  if (status === 'connected' && store && !store.getState().settings) void store.getState().loadSettings();
});
store = createAppStore(api);
const appStore = store;

api.onState((snapshot) => appStore.getState().applySnapshot(snapshot));
api.onEarningsTick((tick) => appStore.getState().applyTick(tick));
// Settings changed anywhere (tray, offhours pause, another window) show up here without a reload.
api.onSettings((push) => appStore.getState().applyPushedSettings(push));
api.getState().then(
  (snapshot) => appStore.getState().applySnapshot(snapshot),
  (error: unknown) => appStore.getState().showError(error),
);
void appStore.getState().loadSettings();

const syncPage = () => appStore.getState().goTo(pageFromHash(window.location.hash));
window.addEventListener('hashchange', syncPage);
syncPage();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppStoreContext.Provider value={appStore}>
      <App />
    </AppStoreContext.Provider>
  </StrictMode>,
);
