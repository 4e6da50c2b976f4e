import { z } from 'zod';

const BaseUnits = z.string().regex(/^(0|[1-9][0-9]{0,39})$/, 'must be a whole number of base units');
const SignedBaseUnits = z.string().regex(/^(0|-?[1-9][0-9]{0,39})$/, 'must be a whole number of base units');

/**
 * Where the GPU power behind an electricity cost came from: 'measured' (nvidia-smi power.draw while a job ran),
 * 'estimate' (the card's power limit, its typical board power, or a per-vendor guess — `powerBasis` says which),
 * 'unknown' (nothing to go on: no cost and no net are shown).
 */
export const PowerSourceSchema = z.enum(['measured', 'estimate', 'unknown']);
export type PowerSource = z.infer<typeof PowerSourceSchema>;

/**
 * Earnings per hour of work beside what the GPUs' electricity costs in that hour, all in base units of the payout
 * token (electron/core/earnings/net-profit.ts). Present only when the owner entered an electricity price and the
 * network said its rate and token. The Earnings page shows it (ProviderState.profit).
 */
export const NetProfitSchema = z.object({
  /** What an hour of work pays (the network's rate for this PC, or an offer's price × 3600). */
  grossPerHour: BaseUnits,
  /** The electricity an hour of work uses, at this hour's price; null when the power is unknown. */
  costPerHour: BaseUnits.nullable(),
  /** gross − cost, negative when work loses money; null when the power is unknown. */
  netPerHour: SignedBaseUnits.nullable(),
  /** True only when the net is known and below zero. */
  negative: z.boolean(),
  powerSource: PowerSourceSchema,
  /** The power the cost assumes, whole watts (all GPUs that take work); null when unknown. */
  powerW: z.number().int().nonnegative().nullable(),
  /** Plain words for where the watts came from, e.g. "measured by nvidia-smi while a job ran". */
  powerBasis: z.string(),
  /** The price per kWh applied this hour, as the owner entered it (payout tokens). */
  pricePerKwh: z.string(),
  /** True when the owner's cheap hours apply now. */
  cheapRate: z.boolean(),
  token: z.object({ symbol: z.string(), decimals: z.number().int().min(0).max(18) }),
});
export type NetProfit = z.infer<typeof NetProfitSchema>;
