import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectApi } from './api/index.js';
import { App } from './App.js';
import { AppStoreContext, createAppStore } from './stores/app-store.js';
import { pageFromHash } from './stores/ui-slice.js';
import './styles.css';

let store: ReturnType<typeof createAppStore> | null = null;
const api = connectApi((status) => store?.getState().setConnection(status));
store = createAppStore(api);
const appStore = store;

api.onState((snapshot) => appStore.getState().applySnapshot(snapshot));
api.onEarningsTick((tick) => appStore.getState().applyTick(tick));
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
