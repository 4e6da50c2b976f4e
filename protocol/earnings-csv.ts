/**
 * The earnings export for tax records: one row per signed receipt (one per paid run), oldest first, with the
 * payout transaction that paid it. Amounts are exact decimal token amounts worked out from integer base units
 * (and the base units themselves, so a row can be matched against the network's ledger to the unit). RFC 4180
 * quoting; a cell that a spreadsheet would run as a formula is defused. Pure: core and the CLI share it.
 */
import { z } from 'zod';
import type { ProviderPayout } from './network.js';
import { formatBaseUnits, type TokenUnits } from './network-format.js';
import type { JobReceipt } from './receipts.js';
import type { ReceiptCheckState } from './state.js';

export const CSV_COLUMNS = [
  'date',
  'job',
  'seconds',
  'rate_per_second',
  'amount',
  'receipt_id',
  'payout_signature',
  'token',
  'attempt',
  'outcome',
  'amount_base_units',
  'receipt_check',
  'payout_state',
] as const;

export const EarningsCsvSchema = z.object({
  /** e.g. "offhours-earnings-2026-11-30.csv". */
  filename: z.string(),
  csv: z.string(),
  /** Receipt rows (the header not counted). */
  rows: z.number().int().nonnegative(),
});
export type EarningsCsv = z.infer<typeof EarningsCsvSchema>;

export interface CsvReceipt {
  receipt: JobReceipt;
  check: ReceiptCheckState;
}

/** A cell as RFC 4180 wants it, and never a formula: text starting with = + - @ (or a tab/CR) gets a leading apostrophe. */
export function csvCell(value: string): string {
  const defused = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}

/**
 * The CSV text: a header, then each receipt oldest first (by end time, then id). `payoutOf` says which payout paid a
 * receipt (null: not paid yet); the signature is written only once that payout is confirmed paid.
 */
export function earningsCsv(receipts: readonly CsvReceipt[], payoutOf: (receipt: JobReceipt) => ProviderPayout | null, token: TokenUnits | null): string {
  const ordered = [...receipts].sort((a, b) => Date.parse(a.receipt.body.endedAt) - Date.parse(b.receipt.body.endedAt) || (a.receipt.body.receiptId < b.receipt.body.receiptId ? -1 : 1));
  const decimals = token?.decimals ?? 0;
  const lines = [CSV_COLUMNS.join(',')];
  for (const { receipt, check } of ordered) {
    const body = receipt.body;
    const payout = payoutOf(receipt);
    const row: Record<(typeof CSV_COLUMNS)[number], string> = {
      date: body.endedAt,
      job: body.jobId,
      seconds: String(body.seconds),
      rate_per_second: formatBaseUnits(body.ratePerSecond, decimals),
      amount: formatBaseUnits(body.amount, decimals),
      receipt_id: body.receiptId,
      payout_signature: payout?.state === 'paid' && payout.signature ? payout.signature : '',
      token: token?.symbol ?? 'base units',
      attempt: String(body.attempt),
      outcome: body.outcome,
      amount_base_units: body.amount,
      receipt_check: check,
      payout_state: payout ? payout.state : 'not paid yet',
    };
    lines.push(CSV_COLUMNS.map((column) => csvCell(row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Reads the export back (the tests and `offhours earnings --csv` checks use it): RFC 4180 rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      rows.push([...row, cell]);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

export function csvFilename(day: string): string {
  return `offhours-earnings-${day}.csv`;
}
