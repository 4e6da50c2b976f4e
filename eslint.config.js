import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noElectron = {
  paths: [
    { name: 'electron', message: 'Only electron/main and electron/preload may import electron: core, protocol and coordinator must run under plain Node (the headless daemon).' },
    { name: 'electron-updater', message: 'Only electron/main may import electron-updater (electron/main/updater-electron.ts, behind core\'s Updater port): it needs Electron.' },
  ],
  patterns: [{ group: ['electron/*'], message: 'Only electron/main and electron/preload may import electron.' }],
};

// The app reaches the coordinator only over the wire (protocol/network.ts), and the coordinator never borrows the app's code.
const noCoordinator = { group: ['**/coordinator/*', '**/coordinator/**'], message: 'The app talks to the coordinator over the wire only (protocol/network.ts); it never imports coordinator code.' };
const noApp = { group: ['**/electron/*', '**/electron/**', '**/renderer/**'], message: 'The coordinator is its own service: it shares protocol/ with the app and nothing else.' };

// The desktop shell and the daemon each have their own composition root; what they share lives in electron/compose/.
const noHeadless = { group: ['**/headless/*', '**/headless/**'], message: 'electron/main never borrows from electron/headless: shared wiring lives in electron/compose/ (ARCHITECTURE rule 9).' };
const noShells = { group: ['**/headless/*', '**/headless/**', '**/main/*', '**/main/**'], message: 'The shared wiring (electron/compose/) serves both shells and imports neither.' };
// Core talks to the world through its ports; the adapters are chosen by a composition root (electron/compose/, main/, headless/).
const noAdapters = { group: ['**/adapters/*', '**/adapters/**'], message: 'Core never imports an adapter: take a port and let the composition root (electron/compose/) pass the adapter.' };
const noRoots = { group: ['**/compose/*', '**/compose/**', '**/headless/**', '**/main/**'], message: 'Core is imported by the composition roots, never the other way round.' };
// The renderer is a web page: it sees protocol/ and its own files, nothing else of the repository.
const onlyProtocol = {
  // Two or more `../` then a top-level folder other than protocol/ (renderer/src's own folders are reached with fewer).
  regex: '^(\\.\\./){2,}(electron|coordinator|bench|native|e2e|scripts|bin|resources)(/|$)|^node:',
  message: 'The renderer may import only protocol/ (and its own files and browser packages); it reaches core through ProviderApi.',
};

const noIpcMain = {
  selector: "Identifier[name='ipcMain']",
  message: 'Only electron/main/ipc.ts may touch raw ipcMain; register handlers through registerIpc (the ProviderApi tables).',
};

const noIpcRenderer = {
  selector: "Identifier[name='ipcRenderer']",
  message: 'Only electron/preload may touch ipcRenderer; everything else goes through ProviderApi.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/build/**', 'release/**', 'test-results/**', 'e2e/artifacts/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['electron/core/**', 'electron/compose/**', 'protocol/**', 'coordinator/**', 'electron/headless/**', 'renderer/**'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
  {
    // `offhours coordinator` is the one launcher of the service (a dynamic import); tests may drive the real coordinator.
    files: ['electron/core/**/*.ts', 'electron/headless/**/*.ts', 'renderer/**/*.{ts,tsx}', 'protocol/**/*.ts'],
    ignores: ['electron/headless/commands/coordinator.ts', 'electron/headless/commands/localnet.ts', '**/*.test.ts', '**/*.test.tsx', '**/test-support/**'],
    rules: { 'no-restricted-imports': ['error', { paths: noElectron.paths, patterns: [...noElectron.patterns, noCoordinator] }] },
  },
  {
    // Core outside its adapters/ folder: no adapter, no composition root.
    files: ['electron/core/**/*.ts'],
    ignores: ['electron/core/adapters/**', '**/*.test.ts', '**/test-support/**'],
    rules: { 'no-restricted-imports': ['error', { paths: noElectron.paths, patterns: [...noElectron.patterns, noCoordinator, noAdapters, noRoots] }] },
  },
  {
    files: ['electron/compose/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: noElectron.paths, patterns: [...noElectron.patterns, noCoordinator, noShells] }] },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts', '**/*.test.tsx', '**/test-support/**'],
    rules: { 'no-restricted-imports': ['error', { paths: noElectron.paths, patterns: [onlyProtocol] }] },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noCoordinator, noHeadless] }] },
  },
  {
    files: ['coordinator/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: noElectron.paths, patterns: [...noElectron.patterns, noApp] }] },
  },
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    ignores: ['electron/preload/**', 'electron/main/ipc.ts'],
    rules: { 'no-restricted-syntax': ['error', noIpcRenderer, noIpcMain] },
  },
  {
    files: ['electron/preload/**'],
    rules: { 'no-restricted-syntax': ['error', noIpcMain] },
  },
  {
    files: ['electron/main/ipc.ts'],
    rules: { 'no-restricted-syntax': ['error', noIpcRenderer] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { ...reactHooks.configs.recommended.rules },
  },
);
