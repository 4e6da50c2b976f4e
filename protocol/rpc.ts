import {
  isProviderEvent,
  isProviderMethod,
  providerEvents,
  providerMethods,
  type EventPayload,
  type ProviderApi,
  type ProviderEventName,
  type ProviderHandlers,
  type ProviderMethodName,
  type Unsubscribe,
} from './api.js';
import { ApiErrorBodySchema, summarizeZodError, UserFacingError, toErrorBody, type ApiErrorBody } from './errors.js';

/** The result every transport carries: a value or an error a person can act on. */
export type RpcResult = { ok: true; value: unknown } | { ok: false; error: ApiErrorBody };

/**
 * The server half shared by every transport: looks the method up, parses the input with its schema,
 * runs the handler, and never throws.
 */
export function createDispatcher(handlers: ProviderHandlers): (method: string, rawInput: unknown) => Promise<RpcResult> {
  return async (method, rawInput) => {
    if (!isProviderMethod(method)) {
      return { ok: false, error: { code: 'unknown-method', message: `There is no action called "${method}".`, nextStep: 'Update Offhours so the window and the service match.' } };
    }
    try {
      const input = providerMethods[method].input.parse(rawInput);
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(input) };
    } catch (error) {
      return { ok: false, error: toErrorBody(error) };
    }
  };
}

/** Thrown by the client (the window, the CLI) when core answered with an error, or with an answer outside the contract. */
export class ApiCallError extends UserFacingError {}

/** A window or CLI of one version talking to a service of another is the usual cause; a restart lines them up. */
const MISMATCH_NEXT_STEP = 'Restart Offhours; if it keeps happening, update it so the service and this program are the same version.';

function badResponse(method: string, detail: string): ApiCallError {
  return new ApiCallError('bad-response', `The Offhours service sent an answer to ${method} that this program does not understand (${detail}).`, MISMATCH_NEXT_STEP);
}

export function unwrapRpcResult(result: unknown, method: string): unknown {
  if (typeof result === 'object' && result !== null && 'ok' in result) {
    const typed = result as RpcResult;
    if (typed.ok) return typed.value;
    const body = ApiErrorBodySchema.safeParse(typed.error);
    if (body.success) throw new ApiCallError(body.data.code, body.data.message, body.data.nextStep);
  }
  throw badResponse(method, 'not a result or an error');
}

export interface ClientTransport {
  invoke(method: ProviderMethodName, input: unknown): Promise<unknown>;
  subscribe(event: ProviderEventName, listener: (payload: unknown) => void): Unsubscribe;
}

/** Builds the renderer-side ProviderApi over any transport; outputs and events are validated here too. */
export function createApiClient(transport: ClientTransport): ProviderApi {
  const api: Record<string, unknown> = {};
  for (const name of Object.keys(providerMethods) as ProviderMethodName[]) {
    api[name] = async (input?: unknown) => {
      const value = unwrapRpcResult(await transport.invoke(name, input), name);
      const parsed = providerMethods[name].output.safeParse(value);
      if (!parsed.success) throw badResponse(name, summarizeZodError(parsed.error));
      return parsed.data;
    };
  }
  for (const name of Object.keys(providerEvents) as ProviderEventName[]) {
    const key = `on${name[0]!.toUpperCase()}${name.slice(1)}`;
    api[key] = (listener: (payload: EventPayload<typeof name>) => void) =>
      transport.subscribe(name, (payload) => {
        const parsed = providerEvents[name].safeParse(payload);
        if (parsed.success) listener(parsed.data);
      });
  }
  return api as ProviderApi;
}

export function eventNameOrNull(name: string): ProviderEventName | null {
  return isProviderEvent(name) ? name : null;
}
