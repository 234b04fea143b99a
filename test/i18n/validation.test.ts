import { describe, expect, it } from 'vitest';
import { displayableAttribute, summarizeValidation, validationMessage } from '../../src/server/http/i18n/index.js';
import { chooseLaravel } from '../../src/server/http/i18n/validation.js';

// en: laravel/framework 11.x src/Illuminate/Translation/lang/en/validation.php
// ar: laravel-lang/lang locales/ar/php.json; attributes: laravel-lang/attributes locales/ar/php.json
describe('validationMessage — en (Laravel 10/11 wording)', () => {
  it.each([
    ['required', 'user_id', {}, 'The user id field is required.'],
    ['string', 'message', {}, 'The message field must be a string.'],
    ['integer', 'user_id', {}, 'The user id field must be an integer.'],
    ['numeric', 'limit', {}, 'The limit field must be a number.'],
    ['unique', 'email', {}, 'The email has already been taken.'],
    ['exists', 'user_id', {}, 'The selected user id is invalid.'],
    ['in', 'type', {}, 'The selected type is invalid.'],
    ['email', 'email', {}, 'The email field must be a valid email address.'],
    ['confirmed', 'password', {}, 'The password field confirmation does not match.'],
    ['min.string', 'password', { min: 8 }, 'The password field must be at least 8 characters.'],
    ['max.string', 'message', { max: 5000 }, 'The message field must not be greater than 5000 characters.'],
    ['max.file', 'file', { max: 10240 }, 'The file field must not be greater than 10240 kilobytes.'],
    ['max.numeric', 'limit', { max: 200 }, 'The limit field must not be greater than 200.'],
    ['file', 'file', {}, 'The file field must be a file.'],
    ['image', 'file', {}, 'The file field must be an image.'],
    ['mimes', 'file', { values: ['jpg', 'png', 'pdf'] }, 'The file field must be a file of type: jpg, png, pdf.'],
    ['required_without', 'message', { values: ['file'] }, 'The message field is required when file is not present.'],
    ['required_with', 'password', { values: ['password_confirmation'] }, 'The password field is required when password confirmation is present.'],
    ['prohibits', 'after_id', { other: 'before_id' }, 'The after id field prohibits before id from being present.'],
    ['prohibits', 'a', { other: ['b_c', 'd'] }, 'The a field prohibits b c / d from being present.'],
    ['same', 'password_confirmation', { other: 'password' }, 'The password confirmation field must match password.'],
  ] as const)('%s on %s', (rule, attribute, params, expected) => {
    expect(validationMessage('en', rule, attribute, params)).toBe(expected);
  });
});

describe('validationMessage — ar (laravel-lang)', () => {
  it.each([
    ['required', 'name', {}, 'حقل الاسم مطلوب.'],
    ['required', 'user_id', {}, 'حقل user id مطلوب.'],
    ['string', 'message', {}, 'يجب أن يكون حقل الرسالة نصًا.'],
    ['unique', 'email', {}, 'قيمة حقل البريد الالكتروني مُستخدمة من قبل.'],
    ['exists', 'user_id', {}, 'قيمة الحقل user id غير موجودة.'],
    ['in', 'type', {}, 'قيمة حقل النوع غير موجودة في قائمة القيم المسموح بها.'],
    ['min.string', 'password', { min: 8 }, 'يجب أن يكون طول نص حقل كلمة المرور على الأقل 8 حروفٍ/حرفًا.'],
    ['max.file', 'file', { max: 10240 }, 'يجب أن لا يتجاوز حجم ملف حقل file 10240 كيلوبايت.'],
    ['mimes', 'file', { values: ['jpg', 'png'] }, 'يجب أن يكون ملفًا من نوع : jpg, png.'],
    ['required_without', 'message', { values: ['file'] }, 'حقل الرسالة مطلوب إذا لم يتوفّر file.'],
    ['confirmed', 'password', {}, 'حقل التأكيد غير مُطابق للحقل كلمة المرور.'],
    ['prohibits', 'after_id', { other: 'before_id' }, 'الحقل after id يحظر تواجد الحقل before id.'],
  ] as const)('%s on %s', (rule, attribute, params, expected) => {
    expect(validationMessage('ar', rule, attribute, params)).toBe(expected);
  });
});

describe('displayableAttribute — Str::snake + underscores to spaces', () => {
  it.each([
    ['en', 'user_id', 'user id'],
    ['en', 'userId', 'user id'],
    ['en', 'before_id', 'before id'],
    ['en', 'email', 'email'],
    ['ar', 'email', 'البريد الالكتروني'],
    ['ar', 'password_confirmation', 'تأكيد كلمة المرور'],
    ['ar', 'avatar', 'avatar'],
  ] as const)('%s %s', (locale, attribute, expected) => {
    expect(displayableAttribute(locale, attribute)).toBe(expected);
  });
});

describe('summarizeValidation — ValidationException::summarize (Laravel 11)', () => {
  const req = 'The user id field is required.';
  it('en', () => {
    expect(summarizeValidation('en', [])).toBe('The given data was invalid.');
    expect(summarizeValidation('en', [req])).toBe(req);
    expect(summarizeValidation('en', [req, 'b'])).toBe(`${req} (and 1 more error)`);
    expect(summarizeValidation('en', [req, 'b', 'c'])).toBe(`${req} (and 2 more errors)`);
  });
  it('ar uses laravel-lang json lines through MessageSelector::choose', () => {
    const first = 'حقل الاسم مطلوب.';
    expect(summarizeValidation('ar', [])).toBe('البيانات المدخلة غير صالحة.');
    expect(summarizeValidation('ar', [first, 'b'])).toBe(`${first} (و 1 خطأ إضافي)`);
    // plural index 2 → third segment
    expect(summarizeValidation('ar', [first, 'b', 'c'])).toBe(`${first} (و 2 أخطاء إضافية)`);
    // plural index 3 is missing from the 3-segment line → first segment
    expect(summarizeValidation('ar', [first, 'b', 'c', 'd'])).toBe(`${first} (و 3 خطأ إضافي)`);
  });
});

describe('chooseLaravel — MessageSelector', () => {
  it('inline conditions, ranges with *, and plural index fallback', () => {
    expect(chooseLaravel('en', '{0} none|[1,19] some|[20,*] many', 0)).toBe('none');
    expect(chooseLaravel('en', '{0} none|[1,19] some|[20,*] many', 5)).toBe('some');
    expect(chooseLaravel('en', '{0} none|[1,19] some|[20,*] many', 25)).toBe('many');
    expect(chooseLaravel('en', 'apple|apples', 1)).toBe('apple');
    expect(chooseLaravel('en', 'apple|apples', 2)).toBe('apples');
    expect(chooseLaravel('ar', 'a|b|c|d|e|f', 0)).toBe('a');
    expect(chooseLaravel('ar', 'a|b|c|d|e|f', 1)).toBe('b');
    expect(chooseLaravel('ar', 'a|b|c|d|e|f', 2)).toBe('c');
    expect(chooseLaravel('ar', 'a|b|c|d|e|f', 7)).toBe('d');
    expect(chooseLaravel('ar', 'a|b|c|d|e|f', 50)).toBe('e');
    expect(chooseLaravel('ar', 'a|b|c|d|e|f', 100)).toBe('f');
  });
});
