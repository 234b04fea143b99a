// The JSON error envelope `{status:false, message, errors?}` and the mapping of every failure to it.
// A genuine server error (500) leaves one line on the error log and carries a request id that
// matches it; a client's mistake is never a 500.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { translate, type Locale, type MessageKey } from './i18n/index.js';

export type FieldErrors = Record<string, string[]>;

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errors?: FieldErrors,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export interface ErrorEnvelope {
  status: false;
  message: string;
  errors?: FieldErrors;
  /** Only on 500s: the id of the error-log line, so a report can be matched with it. */
  request_id?: string;
}

const MESSAGE_FOR_STATUS: Record<number, MessageKey> = {
  400: 'malformed_body',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'not_found',
  406: 'unsupported_media_type',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

export function errorMessageFor(locale: Locale, status: number): string {
  const key = MESSAGE_FOR_STATUS[status];
  return key ? translate(locale, key) : translate(locale, 'server_error');
}

function sendError(reply: FastifyReply, status: number, body: ErrorEnvelope, headers?: Record<string, string>): void {
  if (headers) reply.headers(headers);
  reply.code(status).type('application/json; charset=utf-8').send(body);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** 'reading' from preParsing until the handler starts: errors then came from parsing the body. */
    bodyPhase?: 'reading' | 'handled';
  }
}

function isMultipart(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && /^multipart\//i.test(type.trim());
}

/**
 * busboy and @fastify/multipart reject broken bodies with plain Errors whose wording varies; any
 * error raised while a multipart body is being read is the client's, except a system call failing
 * on our side (disk full, permissions), which carries `syscall`.
 */
function clientErrorStatus(error: FastifyError, request: FastifyRequest): number {
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) return error.statusCode;
  if (isMultipart(request) && request.bodyPhase === 'reading' && !('syscall' in error)) return 400;
  return 500;
}

/** One log line: no headers, bodies, query strings or ids from the URL; newlines flattened. */
export function serverErrorLine(request: FastifyRequest, error: unknown): string {
  const route = request.routeOptions.url ?? '(no route)';
  const name = error instanceof Error ? error.name : typeof error;
  const text = error instanceof Error ? error.message : String(error);
  const detail = `${name}: ${text}`.replace(/\s+/g, ' ').slice(0, 300);
  return `500 ${request.method} ${route} request_id=${request.id} ${detail}`;
}

/** Installs the envelope for thrown errors and unknown routes. Client mistakes never become a 500. */
export function installErrorHandling(app: FastifyInstance, locale: Locale, logError: (line: string) => void): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('preParsing', async (request) => {
    request.bodyPhase = 'reading';
  });
  app.addHook('preHandler', async (request) => {
    request.bodyPhase = 'handled';
  });

  app.setErrorHandler((error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HttpError) {
      const body: ErrorEnvelope = { status: false, message: error.message };
      if (error.errors) body.errors = error.errors;
      return sendError(reply, error.statusCode, body, error.headers);
    }
    const status = clientErrorStatus(error, request);
    if (status === 500) {
      logError(serverErrorLine(request, error));
      return sendError(reply, 500, { status: false, message: errorMessageFor(locale, 500), request_id: request.id });
    }
    const message = status === 400 && isMultipart(request) ? translate(locale, 'malformed_multipart') : errorMessageFor(locale, status);
    return sendError(reply, status, { status: false, message });
  });

  app.setNotFoundHandler((_request, reply) => {
    sendError(reply, 404, { status: false, message: errorMessageFor(locale, 404) });
  });
}
