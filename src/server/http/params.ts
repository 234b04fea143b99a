// Route parameter and query parsing shared by the chat routes.
import { HttpError } from './errors.js';
import { translate, type Locale } from './i18n/index.js';

const ID = /^[1-9][0-9]{0,15}$/;

/** `/conversations/abc`, `-1`, `1e9`, `0` are unknown ids: 404, as Laravel's route binding answers. */
export function parseId(raw: unknown, locale: Locale): number {
  if (typeof raw !== 'string' || !ID.test(raw)) throw new HttpError(404, translate(locale, 'not_found'));
  const id = Number(raw);
  if (!Number.isSafeInteger(id)) throw new HttpError(404, translate(locale, 'not_found'));
  return id;
}
