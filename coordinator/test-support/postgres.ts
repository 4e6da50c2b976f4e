/**
 * A real PostgreSQL for tests: a throwaway cluster (initdb in a temp folder, a free loopback port, fsync off,
 * stopped and deleted afterwards) when the server binaries are installed, or a fresh database on the server
 * named by OFFHOURS_TEST_DATABASE_URL. Postgres refuses to run as root, so as root the cluster runs as the
 * `postgres` OS user. Without binaries the Postgres half of a suite is skipped with a loud line, unless
 * OFFHOURS_REQUIRE_POSTGRES=1 (CI), where it fails.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export const TEST_DATABASE_URL_ENV = 'OFFHOURS_TEST_DATABASE_URL';
export const REQUIRE_POSTGRES_ENV = 'OFFHOURS_REQUIRE_POSTGRES';

export interface TestPostgres {
  /** A database of its own, empty but for what the test creates. */
  url: string;
  /** Drops the database (and stops the throwaway cluster, if one was started). */
  release(): Promise<void>;
}

/** Where initdb/pg_ctl live: the highest /usr/lib/postgresql/N/bin, else the PATH; null when absent. */
export function findPostgresBin(): string | null {
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = join(debianRoot, version, 'bin');
      if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
    }
  }
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (folder && existsSync(join(folder, 'initdb')) && existsSync(join(folder, 'pg_ctl'))) return folder;
  }
  return null;
}

/** How the Postgres half of a suite can run here, or why it cannot. */
export function postgresAvailability(): { available: true; how: 'url' | 'cluster' } | { available: false; why: string } {
  if (process.env[TEST_DATABASE_URL_ENV]) return { available: true, how: 'url' };
  if (findPostgresBin()) return { available: true, how: 'cluster' };
  return { available: false, why: `no PostgreSQL server binaries (initdb, pg_ctl) found and ${TEST_DATABASE_URL_ENV} is not set` };
}

export function postgresRequired(): boolean {
  return process.env[REQUIRE_POSTGRES_ENV] === '1';
}

/** A fresh database for one test file: on OFFHOURS_TEST_DATABASE_URL's server, or in a throwaway cluster. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const serverUrl = process.env[TEST_DATABASE_URL_ENV];
  if (serverUrl) return createFreshDatabase(serverUrl, async () => {});
  const cluster = await startThrowawayCluster();
  try {
    return await createFreshDatabase(cluster.url, cluster.stop);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

async function createFreshDatabase(serverUrl: string, afterDrop: () => Promise<void>): Promise<TestPostgres> {
  const name = `offhours_test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    release: async () => {
      try {
        await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      } finally {
        await afterDrop();
      }
    },
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

interface Cluster {
  url: string;
  stop(): Promise<void>;
}

/** initdb + pg_ctl start in a temp folder, as the postgres user when we are root. */
export async function startThrowawayCluster(): Promise<Cluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) are not installed.');
  const folder = mkdtempSync(join(tmpdir(), 'offhours-pg-'));
  const data = join(folder, 'data');
  const asUser = await postgresUserPrefix(folder);
  const exec = (tool: string, args: string[]) => run(asUser[0] ?? join(bin, tool), asUser.length > 0 ? [...asUser.slice(1), join(bin, tool), ...args] : args, { timeout: 120_000 });
  try {
    await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    const serverOptions = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    await exec('pg_ctl', ['-D', data, '-l', join(folder, 'server.log'), '-w', '-t', '60', '-o', serverOptions, 'start']);
    const stop = async (): Promise<void> => {
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(folder, { recursive: true, force: true });
    };
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`Could not start a throwaway PostgreSQL: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** As root: hand the folder to `postgres` and run the tools through runuser. Otherwise: run them directly. */
async function postgresUserPrefix(folder: string): Promise<string[]> {
  if (process.getuid?.() !== 0) return [];
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  chownSync(folder, uid, gid);
  return ['runuser', '-u', 'postgres', '--'];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
