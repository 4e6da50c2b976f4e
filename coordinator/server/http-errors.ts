/** Every 4xx/5xx of the coordinator has the contract's body: { error: { code, message } }. */
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { HttpErrorBodySchema } from '../../protocol/network.js';
import { StoreInputError } from '../db/store.js';

export type HttpErrorBody = z.infer<typeof HttpErrorBodySchema>;

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function httpError(statusCode: number, code: string, message: string): HttpError {
  return new HttpError(statusCode, code, message);
}

export function errorBody(code: string, message: string): HttpErrorBody {
  return { error: { code: code.slice(0, 100), message: message.slice(0, 500) } };
}

export function sendError(reply: FastifyReply, statusCode: number, code: string, message: string): FastifyReply {
  return reply.code(statusCode).send(errorBody(code, message));
}

/** Fastify's own errors (body too large, bad JSON, wrong content type) mapped onto our codes. */
export function classifyError(error: unknown): { statusCode: number; code: string; message: string } {
  if (error instanceof HttpError) return { statusCode: error.statusCode, code: error.code, message: error.message };
  if (error instanceof StoreInputError) {
    const missing = error.code.startsWith('unknown-');
    return { statusCode: missing ? 404 : 400, code: error.code === 'invalid-input' ? 'malformed' : error.code, message: error.message };
  }
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    if (statusCode === 413) return { statusCode, code: 'too-large', message: 'The request body is too large.' };
    if (statusCode === 415) return { statusCode, code: 'malformed', message: 'Send JSON (content-type: application/json).' };
    return { statusCode, code: 'malformed', message: 'The request is not valid.' };
  }
  if ((error as { name?: unknown }).name === 'ZodError') return { statusCode: 400, code: 'malformed', message: 'The request body is not valid.' };
  return { statusCode: 500, code: 'internal', message: 'The coordinator could not handle this request.' };
}
