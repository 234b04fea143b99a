// The JSON error envelope `{status:false, message, errors?}` and the mapping of every failure to it.
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

/** busboy rejects broken multipart bodies with plain Errors; they are the client's mistake. */
const MULTIPART_PARSE_ERROR = /^(Multipart: |Unexpected end of form|Malformed part header)/;

function clientErrorStatus(error: FastifyError): number {
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) return error.statusCode;
  if (MULTIPART_PARSE_ERROR.test(error.message)) return 400;
  return 500;
}

/** Installs the envelope for thrown errors and unknown routes. Client mistakes never become a 500. */
export function installErrorHandling(app: FastifyInstance, locale: Locale): void {
  app.setErrorHandler((error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HttpError) {
      const body: ErrorEnvelope = { status: false, message: error.message };
      if (error.errors) body.errors = error.errors;
      return sendError(reply, error.statusCode, body, error.headers);
    }
    const status = clientErrorStatus(error);
    if (status === 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: error.code, status }, 'client error');
    return sendError(reply, status, { status: false, message: errorMessageFor(locale, status) });
  });

  app.setNotFoundHandler((_request, reply) => {
    sendError(reply, 404, { status: false, message: errorMessageFor(locale, 404) });
  });
}
