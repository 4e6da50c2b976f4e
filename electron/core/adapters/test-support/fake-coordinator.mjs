// Stands in for `offhours coordinator --embedded` in the launcher's tests: behaves as told by OFFHOURS_FAKE_MODE.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const mode = process.env.OFFHOURS_FAKE_MODE ?? 'ok';
const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1] ?? 0);
const dataDir = args[args.indexOf('--data-dir') + 1];
if (mode === 'die-early') {
  process.stderr.write('database is locked\n');
  process.exit(3);
}
const server = createServer((_req, res) => res.end('ok'));
server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address();
  process.stdout.write('coordinator: migrating\n');
  // Like the real one: where it listens and who it is, for `offhours coordinator status` and for adoption.
  writeFileSync(join(dataDir, 'coordinator.json'), JSON.stringify({ url: `http://127.0.0.1:${actual}`, pid: process.pid }));
  if (mode !== 'silent') process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${actual}`, args })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
