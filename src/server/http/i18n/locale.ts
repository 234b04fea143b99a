/** The languages the API speaks (`APP_LOCALE`, contract §2). `en` is the default. */
export type Locale = 'en' | 'ar';

export const LOCALES: readonly Locale[] = ['en', 'ar'];

export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return value === 'en' || value === 'ar';
}

/**
 * PHP's `strtr($subject, $pairs)`: at each position the longest matching key wins, and
 * replaced text is never scanned again. Laravel's Translator::makeReplacements and
 * Symfony's TranslatorTrait::trans both substitute placeholders this way.
 */
export function strtr(subject: string, pairs: Readonly<Record<string, string>>): string {
  const keys = Object.keys(pairs)
    .filter((k) => k !== '')
    .sort((a, b) => b.length - a.length);
  if (keys.length === 0) return subject;
  let out = '';
  let i = 0;
  outer: while (i < subject.length) {
    for (const key of keys) {
      if (subject.startsWith(key, i)) {
        out += pairs[key];
        i += key.length;
        continue outer;
      }
    }
    out += subject[i];
    i += 1;
  }
  return out;
}

/** Laravel's Str::ucfirst (multibyte-safe upper-casing of the first character). */
export function ucfirst(value: string): string {
  const first = value.codePointAt(0);
  if (first === undefined) return value;
  const ch = String.fromCodePoint(first);
  return ch.toUpperCase() + value.slice(ch.length);
}
