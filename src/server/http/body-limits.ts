// Refuses a request whose declared Content-Length is over the limit before a byte of its body is
// read: an upload declaring 2 GB gets its 413 at once instead of after it was sent whole.
// (Bodies without a length are cut off by the parsers' own limits as they stream.)
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.js';
import { translate, type Locale } from './i18n/index.js';

/** Multipart framing and the text fields next to the file. */
const MULTIPART_OVERHEAD = 1024 * 1024;

export function installDeclaredLengthLimit(app: FastifyInstance, locale: Locale, limits: { bodyBytes: number; uploadBytes: number }): void {
  app.addHook('onRequest', async (request) => {
    const declared = request.headers['content-length'];
    if (declared === undefined) return;
    const length = Number(declared);
    // JSON and form parsers already compare the declared length with their own bodyLimit (the
    // Pusher HTTP API has a larger one); multipart is streamed by a plugin that does not.
    const upload = request.routeOptions.config.acceptsUpload === true;
    if (!upload && !/^multipart\//i.test(String(request.headers['content-type'] ?? '').trim())) return;
    const limit = upload ? limits.uploadBytes + MULTIPART_OVERHEAD : limits.bodyBytes;
    if (Number.isFinite(length) && length > limit) {
      // The unread body is not drained: the connection is closed after the answer.
      throw new HttpError(413, translate(locale, 'payload_too_large'), undefined, { connection: 'close' });
    }
  });
}
