import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSolanaRpc, generateKeyPairSigner, signature as toSignature } from '@solana/kit';
import { CSV_COLUMNS, parseCsv } from '../protocol/earnings-csv.js';
import { formatBaseUnits } from '../protocol/network-format.js';
import { ProviderStatementSchema, type StatementReceipt } from '../protocol/network.js';
import { EarningsSliceSchema, NetworkSliceSchema } from '../protocol/state.js';
import { findTestEngine } from '../electron/core/jobs/test-support/test-engine.js';
import { REPO_ROOT, expect, saveScreenshot, startDaemon, test, watchConsole } from './fixtures.js';

/**
 * Issue 10's whole promise on a fresh data folder with the embedded network (a local coordinator and local Solana,
 * no account): the first-run wizard, then a demo job whose earnings count up live, its payout landing and checked
 * on chain by the app, the CSV export equal to the coordinator's ledger, and the Earnings page in each state.
 */
const found = await findTestEngine();
const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [join(REPO_ROOT, 'bin', 'offhours.js'), ...args]);

async function earningsOf(dataDir: string) {
  return EarningsSliceSchema.parse(JSON.parse((await cli('earnings', '--json', '--data-dir', dataDir)).stdout));
}

async function networkOf(dataDir: string) {
  return NetworkSliceSchema.parse(JSON.parse((await cli('network', '--json', '--data-dir', dataDir)).stdout));
}

/** Every receipt of this provider in the coordinator's ledger, page by page. */
async function ledgerRows(dataDir: string, providerId: string): Promise<StatementReceipt[]> {
  const statement = ProviderStatementSchema.parse(JSON.parse((await cli('coordinator', 'statement', providerId, '--json', '--data-dir', dataDir)).stdout));
  return statement.receipts;
}

/** A ledger row as the CSV must show it: the same receipt, job, time, seconds, exact amounts and paying transaction. */
function expectedCsvRow(row: StatementReceipt, decimals: number): Record<string, string> {
  return {
    date: row.endedAt,
    job: row.jobId,
    seconds: String(row.seconds),
    rate_per_second: formatBaseUnits(row.ratePerSecond, decimals),
    amount: formatBaseUnits(row.amount, decimals),
    receipt_id: row.receiptId,
    payout_signature: row.payoutSignature ?? '',
    amount_base_units: row.amount,
    attempt: String(row.attempt),
  };
}

function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  expect(header).toEqual([...CSV_COLUMNS]);
  return rows.map((row) => Object.fromEntries(header!.map((column, i) => [column, row[i]!])));
}

function amountOf(text: string): number {
  return Number(/[0-9.]+/.exec(text.replace(/,/g, ''))?.[0] ?? 'NaN');
}

test.describe('Earnings (embedded network)', () => {
  test.skip(!found?.registryImage, 'SKIPPED: no container engine with the local registry image (source .ci/podman.sh)');

  test('first run to first payout: live ticker, paid per second with a signed receipt, the transfer on the local Solana, the audit, CSV equal to the ledger, and each state of the page', async ({ page, dataDir }) => {
    test.setTimeout(420_000);
    const wallet = (await generateKeyPairSigner()).address;
    const daemon = await startDaemon(
      dataDir,
      ['--network', 'embedded'],
      { OFFHOURS_DEMO_IMAGE: found!.registryImage!, OFFHOURS_BENCH_TARGET_MS: '1000', OFFHOURS_PAYOUT_INTERVAL_S: '3' },
      { firstRun: true },
    );
    try {
      const errors = watchConsole(page);
      await page.goto(daemon.url);

      // The first run: cards, the benchmark (skipped here: first-run.spec runs it), the wallet, when to earn.
      const wizard = page.getByTestId('setup-wizard');
      await wizard.getByRole('button', { name: 'Continue' }).click();
      await wizard.getByRole('button', { name: 'Skip this test' }).click();
      await wizard.getByTestId('setup-wallet-input').fill('not-a-wallet-address');
      await wizard.getByRole('button', { name: 'Use this address' }).click();
      await expect(wizard.getByTestId('setup-wallet-error')).toContainText('not a Solana address');
      await wizard.getByTestId('setup-wallet-input').fill(wallet);
      await wizard.getByRole('button', { name: 'Use this address' }).click();
      await expect(wizard.getByTestId('setup-wallet-address')).toHaveText(wallet);
      await wizard.getByRole('button', { name: 'Continue' }).click();
      // "Always": this test has nobody away from the keyboard to wait for.
      await wizard.getByRole('radio', { name: /Always/ }).check();
      await wizard.getByRole('button', { name: 'Finish setup' }).click();
      await wizard.getByTestId('setup-done').getByRole('link', { name: 'Go to the dashboard' }).click();

      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Earnings', exact: true }).click();
      await expect(page.getByTestId('earnings-empty')).toBeVisible();
      await saveScreenshot(page, 'earnings-empty');

      // The live ticker: pushed every second by core while the demo job runs; it must move within 30 s.
      const live = page.getByTestId('earnings-live');
      await expect(live).toHaveAttribute('data-live', 'earning', { timeout: 180_000 });
      const first = amountOf((await page.getByTestId('live-amount').textContent())!);
      await expect.poll(async () => amountOf((await page.getByTestId('live-amount').textContent())!), { timeout: 30_000 }).toBeGreaterThan(first);
      await saveScreenshot(page, 'earnings-working');

      // Paid: the receipt verified, the payout with its transaction, checked on the local Solana by the app.
      const paidRow = page.locator('[data-testid="payout-row"][data-chain="verified"]').first();
      await expect(paidRow).toBeVisible({ timeout: 150_000 });
      await expect(paidRow.locator('code')).toHaveText(/^[1-9A-HJ-NP-Za-km-z]{6,}…[1-9A-HJ-NP-Za-km-z]{4,}$/);
      await expect(page.getByTestId('receipt-row').first()).toHaveAttribute('data-check', 'verified');
      await expect(page.getByTestId('daily-chart')).toHaveAttribute('data-bars', '30');
      await expect(page.getByTestId('job-chart')).toBeVisible();
      await expect(page.getByTestId('period-today')).not.toHaveText(/^0 /);
      await saveScreenshot(page, 'earnings-paid');

      // What the app checked, checked again here: rate × seconds, the transfer on the local chain, the network's audit.
      const earnings = await earningsOf(dataDir);
      const verified = earnings.payouts.find((entry) => entry.payout.state === 'paid' && entry.chain === 'verified')!.payout;
      expect(verified.recipient).toBe(wallet);
      for (const { receipt, check } of earnings.receipts) {
        expect(check).toBe('verified');
        expect(BigInt(receipt.body.amount)).toBe(BigInt(receipt.body.ratePerSecond) * BigInt(receipt.body.seconds));
      }
      expect(earnings.chain?.cluster).toBe('localnet');
      const transaction = await createSolanaRpc(earnings.chain!.rpcUrl).getTransaction(toSignature(verified.signature!), { encoding: 'json', maxSupportedTransactionVersion: 0, commitment: 'confirmed' }).send();
      expect(transaction?.meta?.err).toBeNull();
      const mine = (balances: readonly { owner?: string; mint: string; uiTokenAmount: { amount: string } }[] | null | undefined) =>
        BigInt(balances?.find((entry) => entry.owner === wallet && entry.mint === earnings.chain!.mint)?.uiTokenAmount.amount ?? '0');
      expect(mine(transaction?.meta?.postTokenBalances) - mine(transaction?.meta?.preTokenBalances)).toBe(BigInt(verified.transferAmount));
      expect((await cli('coordinator', 'audit', '--data-dir', dataDir)).stdout).toContain('Audit passed');

      // The CSV export against the coordinator's ledger: while the ledger stands still across an export, they are equal.
      const network = await networkOf(dataDir);
      const providerId = network.providerId!;
      const decimals = network.network!.tokenDecimals;
      await expect
        .poll(
          async () => {
            const before = await ledgerRows(dataDir, providerId);
            const download = page.waitForEvent('download');
            await page.getByTestId('export-csv').click();
            const file = await download;
            const csv = csvRecords(readFileSync((await file.path())!, 'utf8'));
            const after = await ledgerRows(dataDir, providerId);
            if (JSON.stringify(before) !== JSON.stringify(after)) return 'the ledger moved during the export';
            const expected = before.map((row) => expectedCsvRow(row, decimals));
            const got = csv.map((row) => Object.fromEntries(Object.keys(expected[0] ?? {}).map((key) => [key, row[key]!])));
            return JSON.stringify(got) === JSON.stringify(expected) && before.some((row) => row.payoutSignature !== null) ? 'equal' : JSON.stringify({ got, expected });
          },
          { timeout: 60_000, intervals: [2_000] },
        )
        .toBe('equal');

      // Offline: the network goes away; what was earned stays on the page, which says the figures wait for it.
      const { pid } = JSON.parse(readFileSync(join(dataDir, 'network', 'coordinator.json'), 'utf8')) as { pid: number };
      process.kill(pid, 'SIGKILL');
      await expect(page.getByTestId('earnings-offline')).toBeVisible({ timeout: 30_000 });
      await expect(page.getByTestId('payout-row').first()).toBeVisible();
      await saveScreenshot(page, 'earnings-offline');

      expect((await earningsOf(dataDir)).daily.length).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      daemon.process.kill('SIGTERM');
      await new Promise((resolve) => daemon.process.once('exit', resolve));
    }
  });
});
