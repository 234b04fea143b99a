/**
 * i18n for the HTTP API: `APP_LOCALE` = `en` (default) or `ar`. With `ar` every string
 * equals what the original Laravel app returned (seed-ar.md), relative times included.
 */
export { type Locale, LOCALES, DEFAULT_LOCALE, isLocale } from './locale.js';
export { type MessageKey, type TranslateParams, MESSAGE_KEYS, translate } from './messages.js';
export { type RelativeTimeOptions, relativeTime } from './relative-time.js';
export {
  type ValidationRule,
  type ValidationParams,
  validationMessage,
  displayableAttribute,
  summarizeValidation,
} from './validation.js';
