import { z } from 'zod';

/** What `offhours doctor` and the ProviderApi method runDoctor report. */
export const DoctorStatusSchema = z.enum(['ok', 'warn', 'fail']);
export type DoctorStatus = z.infer<typeof DoctorStatusSchema>;

export const DoctorFindingSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: DoctorStatusSchema,
  /** One line on what was found, in plain words. */
  summary: z.string(),
  /** What to do about it; null when there is nothing to do. */
  fix: z.string().nullable(),
  durationMs: z.number().int().nonnegative(),
});
export type DoctorFinding = z.infer<typeof DoctorFindingSchema>;

export const DoctorReportSchema = z.object({
  ranAt: z.string(),
  /** The worst status among the findings ('ok' when there are none). */
  worst: DoctorStatusSchema,
  findings: z.array(DoctorFindingSchema),
});
export type DoctorReport = z.infer<typeof DoctorReportSchema>;
