import { ESLint } from 'eslint';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * docs/ARCHITECTURE.md rule 10: lint forbids each arrow the map forbids. Each probe is a file the repository's own
 * eslint.config.js must reject (linted as if it lived at `at`), with a control that the same line is accepted where
 * the map allows it, so a rule that rejects everything (or nothing) fails here.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function errors(at: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, at) });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

interface Probe {
  arrow: string;
  code: string;
  rejectedAt: string;
  rule: 'no-restricted-imports' | 'no-restricted-syntax';
  allowedAt: string;
}

const probes: Probe[] = [
  {
    arrow: 'electron outside main/preload',
    code: "import { app } from 'electron';\nexport const probe = app;\n",
    rejectedAt: 'electron/core/jobs/probe.ts',
    rule: 'no-restricted-imports',
    allowedAt: 'electron/main/probe.ts',
  },
  {
    arrow: 'electron in the daemon',
    code: "import { app } from 'electron';\nexport const probe = app;\n",
    rejectedAt: 'electron/headless/probe.ts',
    rule: 'no-restricted-imports',
    allowedAt: 'electron/preload/probe.ts',
  },
  {
    arrow: 'electron-updater outside main',
    code: "import updater from 'electron-updater';\nexport const probe = updater;\n",
    rejectedAt: 'electron/core/update/probe.ts',
    rule: 'no-restricted-imports',
    allowedAt: 'electron/main/probe.ts',
  },
  {
    arrow: 'main → headless',
    code: "import { createHeadlessCore } from '../headless/compose.js';\nexport const probe = createHeadlessCore;\n",
    rejectedAt: 'electron/main/probe.ts',
    rule: 'no-restricted-imports',
    allowedAt: 'electron/headless/probe.ts',
  },
  {
    arrow: 'shared wiring → a shell',
    code: "import { createDesktopCore } from '../main/compose.js';\nexport const probe = createDesktopCore;\n",
    rejectedAt: 'electron/compose/probe.ts',
    rule: 'no-restricted-imports',
    allowedAt: 'electron/main/probe.ts',
  },
  {
    arrow: 'core → adapters (outside the composition root)',
    code: "import { DockerEngine } from '../adapters/docker-engine.js';\nexport const probe = DockerEngine;\n",
    rejectedAt: 'electron/core/jobs/probe.ts',
    rule: 'no-restricted-imports',
    // Same relative specifier, resolved from the shared composition root's sibling folder.
    allowedAt: 'electron/compose/probe.ts',
  },
  {
    arrow: 'core → a composition root',
    code: "import { createHeadlessJobs } from '../../compose/node-wiring.js';\nexport const probe = createHeadlessJobs;\n",
    rejectedAt: 'electron/core/jobs/probe.ts',
    rule: 'no-restricted-imports',
    allowedAt: 'electron/headless/commands/probe.ts',
  },
  {
    arrow: 'renderer → core',
    code: "import { ProviderCore } from '../../../electron/core/api.js';\nexport const probe = ProviderCore;\n",
    rejectedAt: 'renderer/src/features/probe.ts',
    rule: 'no-restricted-imports',
    allowedAt: 'bench/deep/probe.ts',
  },
  {
    arrow: 'renderer → node builtins',
    code: "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n",
    rejectedAt: 'renderer/src/features/probe.ts',
    rule: 'no-restricted-imports',
    allowedAt: 'electron/core/probe.ts',
  },
  {
    arrow: 'app → coordinator',
    code: "import { createService } from '../../../coordinator/service.js';\nexport const probe = createService;\n",
    rejectedAt: 'electron/core/network/probe.ts',
    rule: 'no-restricted-imports',
    allowedAt: 'bench/deep/deeper/probe.ts',
  },
  {
    arrow: 'main → coordinator',
    code: "import { createService } from '../../coordinator/service.js';\nexport const probe = createService;\n",
    rejectedAt: 'electron/main/probe.ts',
    rule: 'no-restricted-imports',
    allowedAt: 'bench/deep/probe.ts',
  },
  {
    arrow: 'raw ipcMain outside electron/main/ipc.ts',
    code: "import { ipcMain } from 'electron';\nipcMain.handle('probe', () => 1);\n",
    rejectedAt: 'electron/main/probe.ts',
    rule: 'no-restricted-syntax',
    allowedAt: 'electron/main/ipc.ts',
  },
];

describe('lint enforces the architecture map (probes)', () => {
  it.each(probes)('rejects $arrow', async ({ code, rejectedAt, rule }) => {
    const found = await errors(rejectedAt, code);
    expect(found.some((m) => m.startsWith(`${rule}:`)), found.join('\n') || 'no errors').toBe(true);
  });

  it.each(probes)('accepts the same line where the map allows it ($arrow)', async ({ code, allowedAt, rule }) => {
    const found = await errors(allowedAt, code);
    expect(found.filter((m) => m.startsWith(`${rule}:`))).toEqual([]);
  });

  it('lets the renderer import protocol/ and its own folders', async () => {
    const code = "import { providerMethods } from '../../../protocol/api.js';\nimport { useApp } from '../../stores/app-store.js';\nimport { BenchPanel } from '../gpus/bench/BenchPanel.js';\nexport const probe = [providerMethods, useApp, BenchPanel];\n";
    expect((await errors('renderer/src/features/setup/probe.ts', code)).filter((m) => m.startsWith('no-restricted-imports:'))).toEqual([]);
  });
});
