/**
 * `offhours coordinator [...]` runs a coordinator (the network side) in this process until SIGTERM/SIGINT;
 * `offhours coordinator status` asks a running one how it is doing, over its admin API; `audit` checks its money
 * and `statement PROVIDER_ID` lists one provider's receipts with their payouts (both read a stopped one's folder too).
 *
 * The service itself is loaded only when run (dynamic import): the CLI is its launcher, the app's code never
 * imports coordinator code. Finding a running coordinator: <data-dir>/coordinator.json (written while it
 * runs: url, pid, adminTokenFile), or --url with --admin-token-file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AdminClient, AdminClientError, type HttpTransport } from '../../../protocol/network-admin-client.js';
import { IdSchema, type AuditReport, type CoordinatorStatus, type ProviderStatement, type StatementReceipt } from '../../../protocol/network.js';
import { jsonOption, parseCli, printJson, resolveDataDir, stopRequestedBySignal, UsageError, type CliCommand } from '../cli-kit.js';
import { appVersion } from '../paths.js';

const RUN_USAGE =
  'offhours coordinator [--port P] [--host H] [--data-dir D] [--database-url URL] [--admin-token-file F] [--embedded] [--demo-image REF] [--bench-target-ms MS] [--receipt-key-file F] [--rpc-url URL --mint ADDRESS --treasury-key FILE] [--payout-threshold BASE_UNITS] [--payout-interval SECONDS] [--priority-fee MICRO_LAMPORTS] [--exit-with-stdin] [--exit-with-parent]';
const STATUS_USAGE = 'offhours coordinator status [--json] [--data-dir D | --url URL --admin-token-file F]';
const AUDIT_USAGE = 'offhours coordinator audit [--json] [--data-dir D | --url URL --admin-token-file F] [--database-url URL]';
const STATEMENT_USAGE = 'offhours coordinator statement PROVIDER_ID [--json] [--data-dir D | --url URL --admin-token-file F] [--database-url URL]';
const REQUEST_TIMEOUT_MS = 10_000;

const InfoFileSchema = z.object({ url: z.string().url(), pid: z.number().int(), adminTokenFile: z.string().min(1) });

/** Raised when no running coordinator can be found or reached; the CLI prints it and exits 3. */
export class NoCoordinatorError extends Error {}

/** The coordinator's own folder when no --data-dir is given: beside the provider's files. */
export function defaultCoordinatorDir(): string {
  return join(resolveDataDir(undefined), 'coordinator');
}

/** Node's fetch as the admin client's transport (one timeout per request). */
export function fetchTransport(timeoutMs = REQUEST_TIMEOUT_MS): HttpTransport {
  return {
    async request({ method, url, headers, body }) {
      const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(timeoutMs) });
      return { status: response.status, body: await response.text() };
    },
  };
}

export function readToken(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new NoCoordinatorError(`Could not read the admin token from ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
}

/** The running coordinator named by --url/--admin-token-file, or found through <data-dir>/coordinator.json. */
export function locateCoordinator(values: { url?: string | undefined; 'admin-token-file'?: string | undefined; 'data-dir'?: string | undefined }): { url: string; token: string } {
  if (values.url) {
    if (!values['admin-token-file']) throw new UsageError('--url needs --admin-token-file (the file holding that coordinator’s admin token)');
    return { url: values.url, token: readToken(values['admin-token-file']) };
  }
  const dir = values['data-dir'] || defaultCoordinatorDir();
  const file = join(dir, 'coordinator.json');
  if (!existsSync(file)) throw new NoCoordinatorError(`No coordinator is running from ${dir} (no ${file}).\n  Next: start one with "offhours coordinator --data-dir ${dir}", or pass --url and --admin-token-file.`);
  const parsed = InfoFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new NoCoordinatorError(`${file} is damaged; restart the coordinator.`);
  try {
    process.kill(parsed.data.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') throw new NoCoordinatorError(`The coordinator that wrote ${file} (process ${parsed.data.pid}) is gone.\n  Next: start it again.`);
  }
  return { url: parsed.data.url, token: readToken(values['admin-token-file'] || parsed.data.adminTokenFile) };
}

export function formatStatus(status: CoordinatorStatus, url: string): string {
  const { network, providers } = status;
  const jobs = Object.entries(status.jobs)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`)
    .join(', ');
  const lines = [
    `${network.name} at ${url} (${network.kind === 'local-test' ? 'local test network: its tokens have no value' : 'production'})`,
    `  Instance ${status.instanceId}, version ${status.version}, database ${status.database}, up ${status.uptimeSeconds} s`,
    `  Providers: ${providers.enrolled} enrolled, ${providers.connected} connected, ${providers.available} available`,
    `  Jobs: ${jobs || 'none'}`,
  ];
  if (status.heartbeats) lines.push(`  Heartbeats handled: ${status.heartbeats.count} (p50 ${status.heartbeats.p50Ms} ms, p99 ${status.heartbeats.p99Ms} ms)`);
  return `${lines.join('\n')}\n`;
}

/** Runs `fn`, turning "cannot find or reach the coordinator" into a message and exit 3. */
export async function withCoordinatorErrors(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof NoCoordinatorError || (error instanceof AdminClientError && error.status === null && error.code === 'unreachable')) {
      process.stderr.write(`${error.message}\n`);
      return 3;
    }
    if (error instanceof AdminClientError) {
      process.stderr.write(`The coordinator refused: ${error.message}${error.status === 401 ? '\n  Next: check the admin token file.' : ''}\n`);
      return 1;
    }
    throw error;
  }
}

async function statusCommand(argv: string[]): Promise<number> {
  const { values } = parseCli(argv, { ...jsonOption, 'data-dir': { type: 'string' }, url: { type: 'string' }, 'admin-token-file': { type: 'string' } });
  return withCoordinatorErrors(async () => {
    const { url, token } = locateCoordinator(values);
    const status = await new AdminClient(url, token, fetchTransport()).status();
    if (values.json) printJson(status);
    else process.stdout.write(formatStatus(status, url));
    return 0;
  });
}

export function formatAudit(report: AuditReport): string {
  const { checked } = report;
  const scope = `${checked.postings} ledger postings, ${checked.receipts} receipts, ${checked.payouts} payouts${checked.onChain ? ' (checked on chain)' : ' (not checked on chain: this network does not pay out)'}`;
  if (report.ok) return `Audit passed: ${scope}.\n`;
  const lines = report.violations.map((violation) => `  [${violation.rule}] ${violation.message}`);
  return `Audit FAILED: ${report.violations.length} violation(s) in ${scope}:\n${lines.join('\n')}\n`;
}

/**
 * Asks the running coordinator when one runs from the folder (or --url); otherwise opens the folder's
 * database itself (and its local Solana, for an embedded network). Exit 0 when every invariant holds, 1 when
 * any is violated.
 */
async function auditCommand(argv: string[]): Promise<number> {
  const { values } = parseCli(argv, { ...jsonOption, 'data-dir': { type: 'string' }, url: { type: 'string' }, 'admin-token-file': { type: 'string' }, 'database-url': { type: 'string' } });
  return withCoordinatorErrors(async () => {
    const running = runningCoordinatorFor(values);
    const report = await (running ? auditOverApi(values, running) : auditOffline(values));
    if (values.json) printJson(report);
    else process.stdout.write(formatAudit(report));
    return report.ok ? 0 : 1;
  });
}

/** Folders a coordinator may run from, given D: D, an app's embedded network (D/network), D/coordinator. */
function coordinatorFolders(dir: string): string[] {
  return [dir, join(dir, 'network'), join(dir, 'coordinator')];
}

/** The folder a live coordinator runs from (it wrote coordinator.json there and its process is alive), if any. */
function runningCoordinatorFor(values: { url?: string | undefined; 'data-dir'?: string | undefined }): string | null {
  const dir = values['data-dir'] || defaultCoordinatorDir();
  if (values.url) return dir;
  return (
    coordinatorFolders(dir).find((candidate) => {
      try {
        locateCoordinator({ 'data-dir': candidate });
        return true;
      } catch {
        return false;
      }
    }) ?? null
  );
}

async function auditOverApi(values: { url?: string | undefined; 'admin-token-file'?: string | undefined; 'data-dir'?: string | undefined }, folder: string): Promise<AuditReport> {
  const { url, token } = locateCoordinator({ ...values, 'data-dir': folder });
  // The on-chain half can take a while on a real cluster.
  return new AdminClient(url, token, fetchTransport(120_000)).audit();
}

async function auditOffline(values: { 'data-dir'?: string | undefined; 'database-url'?: string | undefined }): Promise<AuditReport> {
  const { auditDataDir, AuditSetupError } = await import('../../../coordinator/audit-offline.js');
  try {
    return await auditDataDir(values['data-dir'] || defaultCoordinatorDir(), { databaseUrl: values['database-url'] ?? null });
  } catch (error) {
    if (error instanceof AuditSetupError) throw new NoCoordinatorError(error.message);
    throw error;
  }
}

const STATEMENT_COLUMNS = ['Receipt', 'Job', 'Run', 'Started', 'Ended', 'Seconds', 'Rate/s', 'Amount', 'Payout', 'State', 'Transaction'] as const;

function statementRow(receipt: StatementReceipt): string[] {
  return [
    receipt.receiptId,
    receipt.jobId,
    String(receipt.attempt),
    receipt.startedAt ?? '-',
    receipt.endedAt,
    String(receipt.seconds),
    receipt.ratePerSecond,
    receipt.amount,
    receipt.payoutBatchId ?? '-',
    receipt.payoutState ?? 'payable',
    receipt.payoutSignature ?? '-',
  ];
}

/** A provider's statement as a table: one line per receipt, oldest first, amounts in base units, and the sum. */
export function formatStatement(statement: ProviderStatement): string {
  const total = statement.receipts.reduce((sum, receipt) => sum + BigInt(receipt.amount), 0n);
  const wallet = statement.payoutAddress || 'no payout address';
  const head = `Statement of provider ${statement.providerId} (${wallet}): ${statement.receipts.length} receipt(s), ${total} base units in all.\n`;
  if (statement.receipts.length === 0) return head;
  const rows = [[...STATEMENT_COLUMNS], ...statement.receipts.map(statementRow)];
  const widths = STATEMENT_COLUMNS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}`);
  return `${head}${lines.join('\n')}\n`;
}

/** PROVIDER_ID and the options of `offhours coordinator statement`; a missing or malformed id is a usage error. */
export function parseStatementArgs(argv: string[]) {
  const { values, positionals } = parseCli(
    argv,
    { ...jsonOption, 'data-dir': { type: 'string' }, url: { type: 'string' }, 'admin-token-file': { type: 'string' }, 'database-url': { type: 'string' } },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('give exactly one PROVIDER_ID');
  const providerId = IdSchema.safeParse(positionals[0]);
  if (!providerId.success) throw new UsageError(`"${positionals[0]}" is not a provider id (${providerId.error.issues[0]?.message ?? 'invalid'})`);
  return { providerId: providerId.data, values };
}

/**
 * Every receipt of one provider with the payout that holds it (support, tax records). Asks the coordinator running
 * from the folder (or --url) when there is one; otherwise reads the folder's database itself, as audit does.
 */
async function statementCommand(argv: string[]): Promise<number> {
  const { providerId, values } = parseStatementArgs(argv);
  return withCoordinatorErrors(async () => {
    const running = runningCoordinatorFor(values);
    const statement = running ? await statementOverApi(values, running, providerId) : await statementOffline(values, providerId);
    if (!statement) {
      process.stderr.write(`No provider "${providerId}" is enrolled on this coordinator.\n`);
      return 1;
    }
    if (values.json) printJson(statement);
    else process.stdout.write(formatStatement(statement));
    return 0;
  });
}

async function statementOverApi(values: { url?: string | undefined; 'admin-token-file'?: string | undefined; 'data-dir'?: string | undefined }, folder: string, providerId: string): Promise<ProviderStatement | null> {
  const { url, token } = locateCoordinator({ ...values, 'data-dir': folder });
  try {
    return await new AdminClient(url, token, fetchTransport()).wholeStatement(providerId);
  } catch (error) {
    if (error instanceof AdminClientError && error.status === 404 && error.code === 'unknown-provider') return null;
    throw error;
  }
}

async function statementOffline(values: { 'data-dir'?: string | undefined; 'database-url'?: string | undefined }, providerId: string): Promise<ProviderStatement | null> {
  const [{ statementOfDataDir }, { AuditSetupError }] = await Promise.all([import('../../../coordinator/statement-offline.js'), import('../../../coordinator/audit-offline.js')]);
  try {
    return await statementOfDataDir(values['data-dir'] || defaultCoordinatorDir(), providerId, { databaseUrl: values['database-url'] ?? null });
  } catch (error) {
    if (error instanceof AuditSetupError) throw new NoCoordinatorError(error.message);
    throw error;
  }
}

export const coordinatorCommand: CliCommand = {
  name: 'coordinator',
  usage: `${RUN_USAGE}\n       ${STATUS_USAGE}\n       ${AUDIT_USAGE}\n       ${STATEMENT_USAGE}`,
  async run(argv) {
    if (argv[0] === 'status') return statusCommand(argv.slice(1));
    if (argv[0] === 'audit') return auditCommand(argv.slice(1));
    if (argv[0] === 'statement') return statementCommand(argv.slice(1));
    // The app starts its embedded coordinator with a pipe on stdin, so it stops with the app even when the app is killed.
    const { stopped, argv: args } = stopRequestedBySignal(argv);
    const { runCoordinatorProcess } = await import('../../../coordinator/service.js');
    return runCoordinatorProcess(args, process.env, resolveDataDir(undefined), {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      stopRequested: () => stopped,
      pid: process.pid,
      version: appVersion(),
    });
  },
};
