/**
 * `relativeTime()` reproduces Laravel's `$model->created_at->diffForHumans()` byte for byte
 * (Carbon 2 as pulled in by Laravel 10, app timezone UTC, default options: one part,
 * relative to now, `Carbon::NO_ZERO_DIFF`). The seed's `"منذ 5 دقائق"` is this output.
 *
 * How Carbon gets there, and where each step lives in the upstream source:
 *
 * 1. `Carbon\Traits\Difference::diffForHumans()` → `$this->diff($now)` i.e. PHP's native
 *    `DateTime::diff()`, which is timelib's `timelib_diff()` (interval.c) +
 *    `timelib_do_rel_normalize()` (tm2unixtime.c). That is a *calendar* difference
 *    (years, months, days, h, i, s, µs), reproduced by {@link phpDateDiff} below.
 * 2. `CarbonInterval::forHumans()` walks years, months, weeks (`(int)(d / 7)`),
 *    days (`d % 7`), hours, minutes, seconds and keeps the first non-zero one
 *    (`parts = 1`). There is no rounding (ROUND/CEIL/FLOOR options are off by default):
 *    values are truncated, so 119 s is "1 minute", 13 days "1 week", 45 days
 *    "1 month". Milliseconds are never shown: the loop stops at `minimumUnit = 's'`.
 * 3. If every unit is zero, Carbon 2 prints `1 second` because its default
 *    `humanDiffOptions` is `NO_ZERO_DIFF` (Traits/Localization.php:
 *    `protected static $humanDiffOptions = CarbonInterface::NO_ZERO_DIFF;`, asserted by
 *    tests/Carbon/DiffTest.php `'1 second ago' === Carbon::now()->diffForHumans()`).
 *    Carbon 3 dropped that default (Factory::getHumanDiffOptions() `?? 0`) and prints
 *    `0 seconds ago`; pass `{ carbon: 3 }` for that behaviour.
 * 4. The unit is translated with `Lang/{en,ar}.php` through Symfony's
 *    `TranslatorTrait::trans()` interval syntax (`{1}…|]2,11[…`), see {@link chooseSymfony};
 *    `invert` picks `ago` ("منذ :time") or `from_now` (":time من الآن").
 *    Digits stay Latin (`altNumbers` is off by default).
 */
import { strtr, type Locale } from './locale.js';

/** Carbon's unit order in CarbonInterval::forHumans(). */
type Unit = 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second';

interface CarbonLang {
  readonly units: Readonly<Record<Unit, string>>;
  readonly ago: string;
  readonly from_now: string;
}

/**
 * Verbatim from briannesbitt/Carbon 2.x `src/Carbon/Lang/en.php` (`year`…`second`, `ago`,
 * `from_now`). Carbon 3 writes `[-Inf,Inf]` where 2.x has `]1,Inf[`: same output for
 * the counts diffForHumans produces.
 */
const EN: CarbonLang = {
  units: {
    year: '{1}:count year|{0}:count years|]1,Inf[:count years',
    month: '{1}:count month|{0}:count months|]1,Inf[:count months',
    week: '{1}:count week|{0}:count weeks|]1,Inf[:count weeks',
    day: '{1}:count day|{0}:count days|]1,Inf[:count days',
    hour: '{1}:count hour|{0}:count hours|]1,Inf[:count hours',
    minute: '{1}:count minute|{0}:count minutes|]1,Inf[:count minutes',
    second: '{1}:count second|{0}:count seconds|]1,Inf[:count seconds',
  },
  ago: ':time ago',
  from_now: ':time from now',
};

/**
 * Verbatim from briannesbitt/Carbon `src/Carbon/Lang/ar.php` (identical in 2.x and 3.x):
 * 0 → ":count X", 1 → singular without a number, 2 → dual, 3–10 → ":count" + plural,
 * 11+ → ":count" + singular accusative.
 */
const AR: CarbonLang = {
  units: {
    year: ['{0}:count سنة', '{1}سنة', '{2}سنتين', ']2,11[:count سنوات', ']10,Inf[:count سنة'].join('|'),
    month: ['{0}:count شهر', '{1}شهر', '{2}شهرين', ']2,11[:count أشهر', ']10,Inf[:count شهر'].join('|'),
    week: ['{0}:count أسبوع', '{1}أسبوع', '{2}أسبوعين', ']2,11[:count أسابيع', ']10,Inf[:count أسبوع'].join('|'),
    day: ['{0}:count يوم', '{1}يوم', '{2}يومين', ']2,11[:count أيام', ']10,Inf[:count يوم'].join('|'),
    hour: ['{0}:count ساعة', '{1}ساعة', '{2}ساعتين', ']2,11[:count ساعات', ']10,Inf[:count ساعة'].join('|'),
    minute: ['{0}:count دقيقة', '{1}دقيقة', '{2}دقيقتين', ']2,11[:count دقائق', ']10,Inf[:count دقيقة'].join('|'),
    second: ['{0}:count ثانية', '{1}ثانية', '{2}ثانيتين', ']2,11[:count ثواني', ']10,Inf[:count ثانية'].join('|'),
  },
  ago: 'منذ :time',
  from_now: ':time من الآن',
};

const LANGS: Readonly<Record<Locale, CarbonLang>> = { en: EN, ar: AR };

/**
 * Symfony Contracts `TranslatorTrait::getPluralizationRule()` for the two locales, used
 * only when no explicit `{n}` / interval part matches (never the case for Carbon's en/ar
 * unit strings, kept for completeness).
 */
function symfonyPluralIndex(locale: Locale, n: number): number {
  const num = Math.abs(n);
  if (locale === 'en') return num === 1 ? 0 : 1;
  const mod100 = num % 100;
  if (num === 0) return 0;
  if (num === 1) return 1;
  if (num === 2) return 2;
  if (mod100 >= 3 && mod100 <= 10) return 3;
  if (mod100 >= 11 && mod100 <= 99) return 4;
  return 5;
}

const INTERVAL_RE =
  /^(?:(\{\s*(-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?)*)\s*\})|([[\]])\s*(-Inf|-?\d+(?:\.\d+)?)\s*,\s*(\+?Inf|-?\d+(?:\.\d+)?)\s*([[\]]))\s*([\s\S]*?)$/;

/**
 * Symfony Contracts `TranslatorTrait::trans()` with a `%count%` parameter: split on `|`,
 * return the first part whose `{a,b}` set or `[a,b]`/`]a,b[` interval holds the number,
 * else the standard rule at the locale's plural index. Placeholders replaced with strtr.
 */
export function chooseSymfony(
  locale: Locale,
  message: string,
  count: number,
  params: Readonly<Record<string, string>>,
): string {
  const parts = message.match(/(?:\|\||[^|])+/g) ?? [];
  const standard: string[] = [];
  for (const raw of parts) {
    const part = raw.replaceAll('||', '|').trim();
    const m = INTERVAL_RE.exec(part);
    if (m) {
      const text = m[7] ?? '';
      if (m[1] !== undefined) {
        for (const n of (m[2] ?? '').split(',')) {
          if (count === Number(n.trim())) return strtr(text, params);
        }
      } else {
        const leftRaw = m[4] ?? '';
        const rightRaw = m[5] ?? '';
        const left = leftRaw === '-Inf' ? -Infinity : Number(leftRaw);
        const right = /Inf$/.test(rightRaw) ? Infinity : Number(rightRaw);
        const okLeft = m[3] === '[' ? count >= left : count > left;
        const okRight = m[6] === ']' ? count <= right : count < right;
        if (okLeft && okRight) return strtr(text, params);
      }
    } else {
      const std = /^\w+:\s*([\s\S]*?)$/.exec(part);
      standard.push(std ? (std[1] ?? '') : part);
    }
  }
  const chosen = standard[symfonyPluralIndex(locale, count)];
  if (chosen !== undefined) return strtr(chosen, params);
  if (parts.length === 1 && standard[0] !== undefined) return strtr(standard[0], params);
  throw new RangeError(`no plural form of "${message}" for ${count}`);
}

/** What PHP's DateInterval holds after `DateTime::diff()` (the fields Carbon reads). */
export interface PhpDateInterval {
  y: number;
  m: number;
  d: number;
  h: number;
  i: number;
  s: number;
  us: number;
  /** Whole days between the two instants (timelib_diff_days()). */
  days: number;
  /** 1 when the second date is before the first (Carbon: "from now"). */
  invert: 0 | 1;
}

//                      dec jan feb mar apr may jun jul aug sep oct nov dec  (timelib's tables)
const DAYS_IN_MONTH = [31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const DAYS_IN_MONTH_LEAP = [31, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

function daysIn(year: number, month: number): number {
  return (isLeap(year) ? DAYS_IN_MONTH_LEAP : DAYS_IN_MONTH)[month] ?? 31;
}

/** timelib `do_range_limit()` (tm2unixtime.c), with C's truncating integer division. */
function rangeLimit(start: number, end: number, adj: number, a: number, b: number): [number, number] {
  if (a < start) {
    const aPlus1 = a + 1;
    b -= Math.trunc((start - aPlus1) / adj) + 1;
    a += adj * Math.trunc((start - aPlus1) / adj);
    a += adj;
  }
  if (a >= end) {
    b += Math.trunc(a / adj);
    a -= adj * Math.trunc(a / adj);
  }
  return [a, b];
}

/** A calendar date-time broken into the same fields the interval uses. */
type Fields = Omit<PhpDateInterval, 'days' | 'invert'>;

function utcFields(date: Date): Fields {
  return {
    y: date.getUTCFullYear(),
    m: date.getUTCMonth() + 1,
    d: date.getUTCDate(),
    h: date.getUTCHours(),
    i: date.getUTCMinutes(),
    s: date.getUTCSeconds(),
    us: date.getUTCMilliseconds() * 1000,
  };
}

/**
 * `$one->diff($two)` for two UTC date-times (both `TIMELIB_ZONETYPE_ID` "UTC", as Laravel
 * builds them with `APP_TIMEZONE=UTC`): timelib `timelib_diff_with_tzid()` then
 * `timelib_do_rel_normalize()`. Same in timelib 2021.x (PHP 8.1) and 2022.x (PHP 8.2+);
 * the DST corrections are no-ops in UTC. Checked against timelib's tests/c/diff.cpp.
 */
export function phpDateDiff(one: Date, two: Date): PhpDateInterval {
  let older = utcFields(one);
  let newer = utcFields(two);
  let invert: 0 | 1 = 0;
  // sort_old_to_new(): compares y, m, d, h, i, s, us in that order == instant order in UTC
  if (one.getTime() > two.getTime()) {
    [older, newer] = [newer, older];
    invert = 1;
  }
  let y = newer.y - older.y;
  let m = newer.m - older.m;
  let d = newer.d - older.d;
  let h = newer.h - older.h;
  let i = newer.i - older.i;
  let s = newer.s - older.s;
  let us = newer.us - older.us;

  // timelib_do_rel_normalize(rt->invert ? one : two, rt) — after the swap `one` is the
  // older date, so the base is the older one when inverted and the newer one otherwise.
  const base = invert ? older : newer;
  [us, s] = rangeLimit(0, 1_000_000, 1_000_000, us, s);
  [s, i] = rangeLimit(0, 60, 60, s, i);
  [i, h] = rangeLimit(0, 60, 60, i, h);
  [h, d] = rangeLimit(0, 24, 24, h, d);
  [m, y] = rangeLimit(0, 12, 12, m, y);

  // do_range_limit_days_relative()
  let year = base.y;
  let month = base.m;
  if (!invert) {
    while (d < 0) {
      month -= 1; // dec_month()
      if (month < 1) {
        month += 12;
        year -= 1;
      }
      d += daysIn(year, month);
      m -= 1;
    }
  } else {
    while (d < 0) {
      d += daysIn(year, month);
      m -= 1;
      month += 1; // inc_month()
      if (month > 12) {
        month -= 12;
        year += 1;
      }
    }
  }
  [m, y] = rangeLimit(0, 12, 12, m, y);

  // timelib_diff_days(): calendar days apart, minus one when the later time of day is
  // earlier than the earlier one.
  const epochDay = (f: Fields): number => Math.floor(new Date(0).setUTCFullYear(f.y, f.m - 1, f.d) / 86_400_000);
  const timeOfDay = (f: Fields): number => ((f.h * 60 + f.i) * 60 + f.s) * 1_000_000 + f.us;
  let days = Math.abs(epochDay(newer) - epochDay(older));
  if (timeOfDay(newer) < timeOfDay(older) && days > 0) days -= 1;

  return { y, m, d, h, i, s, us, days, invert };
}

export interface RelativeTimeOptions {
  /**
   * Carbon major version to imitate. 2 (default; Laravel 10) prints "1 second ago" for a
   * zero difference, 3 prints "0 seconds ago". Nothing else differs.
   */
  carbon?: 2 | 3;
}

/**
 * Carbon's `$then->diffForHumans()` with "now" = `now`: e.g. "5 minutes ago",
 * "2 weeks ago", "3 hours from now"; in Arabic "منذ 5 دقائق", "منذ ثانيتين",
 * "5 دقائق من الآن".
 */
export function relativeTime(locale: Locale, then: Date, now: Date, options: RelativeTimeOptions = {}): string {
  if (Number.isNaN(then.getTime()) || Number.isNaN(now.getTime())) {
    throw new RangeError('relativeTime: invalid date');
  }
  const lang = LANGS[locale];
  // diffForHumans(): $this->diff($other), $this = then, $other = now
  const iv = phpDateDiff(then, now);
  // CarbonInterval::instance() rebuilds the interval from getDateIntervalSpec(), which
  // uses the total `days` instead of `d` when there are no years/months and days >= 28
  // (DAYS_PER_WEEK * WEEKS_PER_MONTH).
  const d = iv.y === 0 && iv.m === 0 && iv.days >= 28 ? iv.days : iv.d;
  // CarbonInterval getters: weeks = (int) (d / 7), daysExcludeWeeks = d % 7
  const weeks = Math.trunc(d / 7);
  const days = d % 7;
  const sequence: ReadonlyArray<readonly [Unit, number]> = [
    ['year', iv.y],
    ['month', iv.m],
    ['week', weeks],
    ['day', days],
    ['hour', iv.h],
    ['minute', iv.i],
    ['second', iv.s],
  ];
  let unit: Unit = 'second';
  let count = (options.carbon ?? 2) === 2 ? 1 : 0; // NO_ZERO_DIFF
  for (const [u, value] of sequence) {
    if (value > 0) {
      unit = u;
      count = value;
      break;
    }
  }
  // The text depends only on these four; a list of 1,000 rows must not parse Symfony's plural
  // syntax 1,000 times (it was a sixth of the list's CPU time).
  const key = `${locale}|${unit}|${count}|${iv.invert}`;
  const known = TEXTS.get(key);
  if (known !== undefined) return known;
  const countText = String(count);
  const time = chooseSymfony(locale, lang.units[unit], count, {
    ':count': countText,
    '%count%': countText,
    ':optional-space': ' ',
  });
  const template = iv.invert === 1 ? lang.from_now : lang.ago;
  const text = strtr(template, { ':time': time, ':optional-space': ' ' });
  if (TEXTS.size >= 2000) TEXTS.clear();
  TEXTS.set(key, text);
  return text;
}

const TEXTS = new Map<string, string>();
