// Laravel's env() turns a few literal strings into other values (Illuminate\Support\Env):
// true/(true) → true, false/(false) → false, empty/(empty) → '', null/(null) → null.
// Reading them the same way means `REDIS_PASSWORD=null` from Laravel's .env.example means "no password".
import type { EnvSource } from './env.js';

/** One value as Laravel reads it: undefined for null, '' for empty, 'true'/'false' for booleans. */
export function laravelValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  switch (value.trim().toLowerCase()) {
    case 'null':
    case '(null)':
      return undefined;
    case 'empty':
    case '(empty)':
      return '';
    case 'true':
    case '(true)':
      return 'true';
    case 'false':
    case '(false)':
      return 'false';
    default:
      return value;
  }
}

/**
 * Driver names, where `null` is a driver of its own (BROADCAST_DRIVER=null, QUEUE_CONNECTION=null):
 * that is what people mean, and chatctl has a null broadcaster, so those keep the word.
 */
const DRIVER_VARIABLES = /^(BROADCAST_DRIVER|BROADCAST_CONNECTION|QUEUE_CONNECTION|QUEUE_DRIVER|CACHE_STORE|CACHE_DRIVER|MAIL_MAILER|LOG_CHANNEL|SESSION_DRIVER)$/;

export function laravelValues(values: EnvSource): EnvSource {
  const out: EnvSource = {};
  for (const [key, value] of Object.entries(values)) {
    const read = DRIVER_VARIABLES.test(key) ? (value?.trim().toLowerCase() === '(null)' ? 'null' : value) : laravelValue(value);
    if (read !== undefined) out[key] = read;
  }
  return out;
}

/** A boolean variable: true/1/yes/on and false/0/no/off (what PHP's FILTER_VALIDATE_BOOL accepts). */
export function parseBoolean(variable: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new BooleanValueError(`${variable} must be true or false, not "${value.trim().slice(0, 40)}"`);
}

export class BooleanValueError extends Error {}
