#!/usr/bin/env node
// Entry point of the `offhours` command. The TypeScript sources are compiled to dist/ by `npm run build`.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// A small young generation (2 MiB semi-spaces instead of up to 16): the daemon lives for days and allocates in
// bursts (a benchmark, a challenge), after which V8 kept ~25 MiB of young-generation pages committed until its
// memory reducer ran. Measured on the headless daemon after a quick benchmark: 105–126 MiB RSS before, 84–88 after.
setFlagsFromString('--max-semi-space-size=2');
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
