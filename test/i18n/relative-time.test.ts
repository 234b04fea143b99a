import { describe, expect, it } from 'vitest';
import { relativeTime } from '../../src/server/http/i18n/index.js';
import { chooseSymfony, phpDateDiff } from '../../src/server/http/i18n/relative-time.js';

/*
 * Expected strings are Carbon's `$then->diffForHumans()` (Laravel 10 → Carbon 2, UTC):
 * - unit choice: CarbonInterval::forHumans() keeps the first non-zero of years, months,
 *   weeks (= (int)(d / 7)), days (= d % 7), hours, minutes, seconds; no rounding, so values
 *   are truncated (119 s → 1 minute, 13 d → 1 week) [Carbon src/Carbon/CarbonInterval.php];
 * - y/m/d come from PHP's DateTime::diff() calendar arithmetic [timelib interval.c,
 *   tm2unixtime.c do_range_limit_days_relative()];
 * - 0 s → "1 second" because Carbon 2's default humanDiffOptions is NO_ZERO_DIFF
 *   [Carbon 2.x src/Carbon/Traits/Localization.php; tests/Carbon/DiffTest.php];
 * - words: Carbon src/Carbon/Lang/en.php and ar.php; ar plural parts {0} {1} {2} ]2,11[
 *   ]10,Inf[ picked by Symfony TranslatorTrait::trans() interval matching.
 */
const NOW = new Date('2026-01-25T10:00:00Z'); // the seed's updated_at
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

const ago = (ms: number): Date => new Date(NOW.getTime() - ms);
const ahead = (ms: number): Date => new Date(NOW.getTime() + ms);

// [label, then, en, ar]
const PAST: ReadonlyArray<readonly [string, Date, string, string]> = [
  // NO_ZERO_DIFF: a zero interval counts as one second
  ['0 s', ago(0), '1 second ago', 'منذ ثانية'],
  ['999 ms (sub-second is zero)', ago(999), '1 second ago', 'منذ ثانية'],
  ['1 s', ago(1 * S), '1 second ago', 'منذ ثانية'],
  ['1.999 s (truncated)', ago(1999), '1 second ago', 'منذ ثانية'],
  // ar {2} dual — the seed's "منذ ثانيتين"
  ['2 s', ago(2 * S), '2 seconds ago', 'منذ ثانيتين'],
  // ar ]2,11[ → 3..10 take the plural
  ['3 s', ago(3 * S), '3 seconds ago', 'منذ 3 ثواني'],
  ['10 s', ago(10 * S), '10 seconds ago', 'منذ 10 ثواني'],
  // ar ]10,Inf[ → 11+ take the singular with the number
  ['11 s', ago(11 * S), '11 seconds ago', 'منذ 11 ثانية'],
  ['59 s', ago(59 * S), '59 seconds ago', 'منذ 59 ثانية'],
  ['60 s', ago(60 * S), '1 minute ago', 'منذ دقيقة'],
  ['90 s (truncated)', ago(90 * S), '1 minute ago', 'منذ دقيقة'],
  ['119 s (truncated)', ago(119 * S), '1 minute ago', 'منذ دقيقة'],
  ['2 min', ago(2 * MIN), '2 minutes ago', 'منذ دقيقتين'],
  // the seed's latest_message.created_at
  ['5 min', ago(5 * MIN), '5 minutes ago', 'منذ 5 دقائق'],
  ['5 min 59 s', ago(5 * MIN + 59 * S), '5 minutes ago', 'منذ 5 دقائق'],
  ['10 min', ago(10 * MIN), '10 minutes ago', 'منذ 10 دقائق'],
  ['11 min', ago(11 * MIN), '11 minutes ago', 'منذ 11 دقيقة'],
  ['59 min', ago(59 * MIN), '59 minutes ago', 'منذ 59 دقيقة'],
  ['59 min 59 s', ago(59 * MIN + 59 * S), '59 minutes ago', 'منذ 59 دقيقة'],
  ['1 h', ago(1 * H), '1 hour ago', 'منذ ساعة'],
  ['1 h 59 min', ago(H + 59 * MIN), '1 hour ago', 'منذ ساعة'],
  ['2 h', ago(2 * H), '2 hours ago', 'منذ ساعتين'],
  ['3 h', ago(3 * H), '3 hours ago', 'منذ 3 ساعات'],
  ['23 h', ago(23 * H), '23 hours ago', 'منذ 23 ساعة'],
  ['23 h 59 min 59 s', ago(D - S), '23 hours ago', 'منذ 23 ساعة'],
  ['1 d', ago(1 * D), '1 day ago', 'منذ يوم'],
  ['1 d 23 h', ago(D + 23 * H), '1 day ago', 'منذ يوم'],
  ['2 d', ago(2 * D), '2 days ago', 'منذ يومين'],
  ['6 d', ago(6 * D), '6 days ago', 'منذ 6 أيام'],
  // weeks = (int)(d / 7): 7..13 days → 1 week
  ['7 d', ago(7 * D), '1 week ago', 'منذ أسبوع'],
  ['13 d', ago(13 * D), '1 week ago', 'منذ أسبوع'],
  ['14 d', ago(14 * D), '2 weeks ago', 'منذ أسبوعين'],
  ['21 d', ago(21 * D), '3 weeks ago', 'منذ 3 أسابيع'],
  // 2025-12-26 → 2026-01-25: 0 months 30 days → 4 weeks (no "1 month" below a calendar month)
  ['30 d', ago(30 * D), '4 weeks ago', 'منذ 4 أسابيع'],
  // 2025-12-25 → 2026-01-25 is exactly one calendar month
  ['31 d', ago(31 * D), '1 month ago', 'منذ شهر'],
  // 2025-12-11 → 2026-01-25: 1 month 14 days → months win, truncated
  ['45 d', ago(45 * D), '1 month ago', 'منذ شهر'],
  ['2 months', new Date('2025-11-25T10:00:00Z'), '2 months ago', 'منذ شهرين'],
  ['3 months', new Date('2025-10-25T10:00:00Z'), '3 months ago', 'منذ 3 أشهر'],
  // 2025-01-26 → 2026-01-25: 11 months 30 days
  ['364 d', ago(364 * D), '11 months ago', 'منذ 11 شهر'],
  ['1 y (365 d)', ago(365 * D), '1 year ago', 'منذ سنة'],
  ['2 y', new Date('2024-01-25T10:00:00Z'), '2 years ago', 'منذ سنتين'],
  ['3 y', new Date('2023-01-25T10:00:00Z'), '3 years ago', 'منذ 3 سنوات'],
  ['10 y', new Date('2016-01-25T10:00:00Z'), '10 years ago', 'منذ 10 سنوات'],
  ['11 y', new Date('2015-01-25T10:00:00Z'), '11 years ago', 'منذ 11 سنة'],
];

const FUTURE: ReadonlyArray<readonly [string, Date, string, string]> = [
  ['+500 ms (zero diff, inverted)', ahead(500), '1 second from now', 'ثانية من الآن'],
  ['+1 s', ahead(1 * S), '1 second from now', 'ثانية من الآن'],
  ['+2 s', ahead(2 * S), '2 seconds from now', 'ثانيتين من الآن'],
  ['+5 min', ahead(5 * MIN), '5 minutes from now', '5 دقائق من الآن'],
  ['+11 min', ahead(11 * MIN), '11 minutes from now', '11 دقيقة من الآن'],
  ['+1 h', ahead(1 * H), '1 hour from now', 'ساعة من الآن'],
  ['+1 d', ahead(1 * D), '1 day from now', 'يوم من الآن'],
  ['+2 d', ahead(2 * D), '2 days from now', 'يومين من الآن'],
  ['+3 weeks', ahead(21 * D), '3 weeks from now', '3 أسابيع من الآن'],
  ['+1 y', new Date('2027-01-25T10:00:00Z'), '1 year from now', 'سنة من الآن'],
  ['+2 y', new Date('2028-01-25T10:00:00Z'), '2 years from now', 'سنتين من الآن'],
];

describe('relativeTime — Carbon 2 diffForHumans(), past', () => {
  it.each(PAST)('%s', (_label, then, en, ar) => {
    expect(relativeTime('en', then, NOW)).toBe(en);
    expect(relativeTime('ar', then, NOW)).toBe(ar);
  });
});

describe('relativeTime — future ("from now" / "من الآن")', () => {
  it.each(FUTURE)('%s', (_label, then, en, ar) => {
    expect(relativeTime('en', then, NOW)).toBe(en);
    expect(relativeTime('ar', then, NOW)).toBe(ar);
  });
});

describe('relativeTime — seed strings', () => {
  it('reproduces "منذ 5 دقائق" and "منذ ثانيتين" with Latin digits, not Intl\'s "قبل ٥ دقائق"', () => {
    expect(relativeTime('ar', new Date('2026-01-25T09:55:00Z'), NOW)).toBe('منذ 5 دقائق');
    expect(relativeTime('ar', new Date('2026-01-25T09:59:58Z'), NOW)).toBe('منذ ثانيتين');
  });
});

describe('relativeTime — calendar months follow PHP DateTime::diff()', () => {
  // timelib do_range_limit_days_relative(): a past date borrows days from the months
  // before "now", so Jan 31 → Mar 1 is 0 months 29 days.
  it('2023-01-31 → 2023-03-01 is 29 days = 4 weeks', () => {
    const then = new Date('2023-01-31T12:00:00Z');
    const now = new Date('2023-03-01T12:00:00Z');
    expect(relativeTime('en', then, now)).toBe('4 weeks ago');
    expect(relativeTime('ar', then, now)).toBe('منذ 4 أسابيع');
  });
  it('2026-02-01 → 2026-03-01 is one calendar month (28 days)', () => {
    const then = new Date('2026-02-01T00:00:00Z');
    const now = new Date('2026-03-01T00:00:00Z');
    expect(relativeTime('en', then, now)).toBe('1 month ago');
    expect(relativeTime('ar', then, now)).toBe('منذ شهر');
  });
  it('2023-01-31 → 2023-03-03 is 1 month 0 days', () => {
    expect(relativeTime('en', new Date('2023-01-31T00:00:00Z'), new Date('2023-03-03T00:00:00Z'))).toBe(
      '1 month ago',
    );
  });
  it('a time of day earlier than then borrows a day', () => {
    // 2026-01-24 23:00 → 2026-01-25 01:00 is 2 hours, not a day
    expect(relativeTime('en', new Date('2026-01-24T23:00:00Z'), new Date('2026-01-25T01:00:00Z'))).toBe(
      '2 hours ago',
    );
    // leap day: 2024-02-28 → 2024-03-28 is one month
    expect(relativeTime('en', new Date('2024-02-28T00:00:00Z'), new Date('2024-03-28T00:00:00Z'))).toBe(
      '1 month ago',
    );
  });
});

describe('relativeTime — Carbon 3 zero difference', () => {
  // Carbon 3 Factory::getHumanDiffOptions() defaults to 0 (no NO_ZERO_DIFF):
  // tests/Carbon/DiffTest.php asserts '0 seconds ago'
  it('prints "0 seconds ago" / "منذ 0 ثانية" only with { carbon: 3 }', () => {
    expect(relativeTime('en', NOW, NOW, { carbon: 3 })).toBe('0 seconds ago');
    expect(relativeTime('ar', NOW, NOW, { carbon: 3 })).toBe('منذ 0 ثانية');
    expect(relativeTime('en', ago(5 * MIN), NOW, { carbon: 3 })).toBe('5 minutes ago');
  });
  it('rejects invalid dates', () => {
    expect(() => relativeTime('en', new Date('nope'), NOW)).toThrow(RangeError);
  });
});

describe('phpDateDiff — timelib tests/c/diff.cpp (UTC cases)', () => {
  const cases: ReadonlyArray<readonly [string, string, [number, number, number, number, number, number], 0 | 1]> = [
    // php69378_01 / _02
    ['2015-04-02T09:55:47Z', '2014-02-16T02:00:00Z', [1, 1, 14, 7, 55, 47], 1],
    ['2014-02-16T02:00:00Z', '2015-04-02T09:55:47Z', [1, 1, 17, 7, 55, 47], 0],
    // php71700_01
    ['2016-03-01T00:00:00Z', '2016-03-31T00:00:00Z', [0, 0, 30, 0, 0, 0], 0],
    // php68503_02
    ['2015-02-01T00:00:00Z', '2015-05-01T00:00:00Z', [0, 3, 0, 0, 0, 0], 0],
    // php77032_01
    ['2008-03-01T00:00:00Z', '2018-03-01T00:00:00Z', [10, 0, 0, 0, 0, 0], 0],
    // php76374_01 (Europe/Paris there; no DST effect at midnight on the 1st)
    ['2017-10-01T00:00:00Z', '2017-01-01T00:00:00Z', [0, 9, 0, 0, 0, 0], 1],
  ];
  it.each(cases)('%s diff %s', (from, to, [y, m, d, h, i, s], invert) => {
    const iv = phpDateDiff(new Date(from), new Date(to));
    expect([iv.y, iv.m, iv.d, iv.h, iv.i, iv.s]).toEqual([y, m, d, h, i, s]);
    expect(iv.invert).toBe(invert);
  });
});

describe('chooseSymfony — TranslatorTrait interval syntax', () => {
  const line = '{0}:count دقيقة|{1}دقيقة|{2}دقيقتين|]2,11[:count دقائق|]10,Inf[:count دقيقة';
  it.each([
    [0, '0 دقيقة'],
    [1, 'دقيقة'],
    [2, 'دقيقتين'],
    [3, '3 دقائق'],
    [10, '10 دقائق'],
    [11, '11 دقيقة'],
    [100, '100 دقيقة'],
  ] as const)('%i', (n, out) => {
    expect(chooseSymfony('ar', line, n, { ':count': String(n) })).toBe(out);
  });
  it('falls back to the locale plural rule for unconditioned parts', () => {
    expect(chooseSymfony('en', 'one apple|:count apples', 1, { ':count': '1' })).toBe('one apple');
    expect(chooseSymfony('en', 'one apple|:count apples', 5, { ':count': '5' })).toBe('5 apples');
  });
});
