import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noElectron = {
  paths: [{ name: 'electron', message: 'Only electron/main and electron/preload may import electron: core, protocol and coordinator must run under plain Node (the headless daemon).' }],
  patterns: [{ group: ['electron/*'], message: 'Only electron/main and electron/preload may import electron.' }],
};

// The app reaches the coordinator only over the wire (protocol/network.ts), and the coordinator never borrows the app's code.
const noCoordinator = { group: ['**/coordinator/*', '**/coordinator/**'], message: 'The app talks to the coordinator over the wire only (protocol/network.ts); it never imports coordinator code.' };
const noApp = { group: ['**/electron/*', '**/electron/**', '**/renderer/**'], message: 'The coordinator is its own service: it shares protocol/ with the app and nothing else.' };

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
    files: ['electron/core/**', 'protocol/**', 'coordinator/**', 'electron/headless/**', 'renderer/**'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
  {
    // `offhours coordinator` is the one launcher of the service (a dynamic import); tests may drive the real coordinator.
    files: ['electron/core/**/*.ts', 'electron/headless/**/*.ts', 'renderer/**/*.{ts,tsx}', 'protocol/**/*.ts'],
    ignores: ['electron/headless/commands/coordinator.ts', 'electron/headless/commands/localnet.ts', '**/*.test.ts', '**/*.test.tsx', '**/test-support/**'],
    rules: { 'no-restricted-imports': ['error', { paths: noElectron.paths, patterns: [...noElectron.patterns, noCoordinator] }] },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noCoordinator] }] },
  },
  {
    files: ['coordinator/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: noElectron.paths, patterns: [...noElectron.patterns, noApp] }] },
  },
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    ignores: ['electron/preload/**'],
    rules: { 'no-restricted-syntax': ['error', noIpcRenderer] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { ...reactHooks.configs.recommended.rules },
  },
);
