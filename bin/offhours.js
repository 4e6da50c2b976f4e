#!/usr/bin/env node
// Entry point of the `offhours` command. The TypeScript sources are compiled to dist/ by `npm run build`.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'electron', 'headless', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(`Offhours is not built yet. Run "npm run build" in ${root} first.\n`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(cli).href);
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`offhours: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
