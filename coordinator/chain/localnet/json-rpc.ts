/**
 * JSON-RPC 2.0 as the Solana RPC speaks it: the standard error codes, Solana's own server errors (-32002 …),
 * and JSON with u64 values. Lamports, fees and rent epochs are u64 on the wire; they travel here as bigint and
 * are written as bare JSON integers (never floats, never rounded), the way @solana/kit reads them back.
 */

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;
/** Solana's server errors (agave rpc-client-api/src/custom_error.rs). */
export const SEND_TRANSACTION_PREFLIGHT_FAILURE = -32002;
export const TRANSACTION_SIGNATURE_VERIFICATION_FAILURE = -32003;
export const UNSUPPORTED_TRANSACTION_VERSION = -32015;
export const MIN_CONTEXT_SLOT_NOT_REACHED = -32016;

/** An error answered to the caller as `{"error": {code, message, data?}}`. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export function invalidParams(message: string): RpcError {
  return new RpcError(INVALID_PARAMS, message);
}

export interface RpcRequest {
  id: string | number | null;
  method: string;
  params: unknown[];
  /** A request without an id is a notification: it runs, and nothing is answered. */
  notification: boolean;
}

export type RpcReply = { jsonrpc: '2.0'; id: string | number | null; result: unknown } | { jsonrpc: '2.0'; id: string | number | null; error: { code: number; message: string; data?: unknown } };

export function errorReply(id: string | number | null, error: RpcError): RpcReply {
  return { jsonrpc: '2.0', id, error: { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) } };
}

/** Checks one element of a request (or batch) the way jsonrpc-core does; a bad one is answered -32600. */
export function readRequest(value: unknown): RpcRequest | RpcError {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return new RpcError(INVALID_REQUEST, 'Invalid request');
  const body = value as Record<string, unknown>;
  const id = body.id;
  if (body.jsonrpc !== '2.0' || typeof body.method !== 'string') return new RpcError(INVALID_REQUEST, 'Invalid request');
  if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number') return new RpcError(INVALID_REQUEST, 'Invalid request');
  const params = body.params === undefined ? [] : body.params;
  if (!Array.isArray(params)) return new RpcError(INVALID_PARAMS, 'Invalid params: Solana RPC takes its parameters as an array.');
  return { id: (id ?? null) as string | number | null, method: body.method, params, notification: id === undefined };
}

/** JSON.stringify that writes bigint as a bare integer: u64 values reach the caller exactly. */
export function stringifyWithBigInts(value: unknown): string {
  const marker = `__u64_${Math.random().toString(36).slice(2)}__`;
  const text = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? `${marker}${item.toString()}` : item));
  return text.replace(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
}
