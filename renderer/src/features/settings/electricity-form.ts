import { PricePerKwhSchema } from '../../../../protocol/settings.js';

export type PriceInput = { ok: true; value: string | null } | { ok: false; message: string };

/** What the owner typed as a price per kWh: empty clears it, "0,25" is read as "0.25", anything else must be a plain decimal. */
export function readPriceInput(text: string): PriceInput {
  const trimmed = text.trim().replace(',', '.');
  if (trimmed === '') return { ok: true, value: null };
  const parsed = PricePerKwhSchema.safeParse(trimmed);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: 'Type a plain number such as 0.25 (no currency sign).' };
}

/** "22:00" for an hour of the day. */
export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}
