import { z } from 'zod';

/** What every failure that reaches a person looks like: what went wrong and what to do next. */
export const ApiErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  nextStep: z.string().nullable(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

/** An error whose message is written for the owner of the PC, not for a developer. */
export class UserFacingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly nextStep: string | null = null,
  ) {
    super(message);
    this.name = 'UserFacingError';
  }

  toBody(): ApiErrorBody {
    return { code: this.code, message: this.message, nextStep: this.nextStep };
  }
}

export function toErrorBody(error: unknown): ApiErrorBody {
  if (error instanceof UserFacingError) return error.toBody();
  if (error instanceof z.ZodError) {
    return {
      code: 'invalid-input',
      message: `The request was not valid: ${summarizeZodError(error)}`,
      nextStep: 'Check the values you entered and try again.',
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Something went wrong: ${message}`, nextStep: 'Try again; if it keeps happening, restart Offhours.' };
}

export function summarizeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'value'}: ${issue.message}`)
    .join('; ');
}
