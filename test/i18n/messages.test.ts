import { describe, expect, it } from 'vitest';
import { LOCALES, MESSAGE_KEYS, isLocale, translate, type MessageKey } from '../../src/server/http/i18n/index.js';

describe('isLocale', () => {
  it('accepts exactly en and ar', () => {
    expect(LOCALES).toEqual(['en', 'ar']);
    expect(isLocale('en')).toBe(true);
    expect(isLocale('ar')).toBe(true);
    expect(isLocale('fr')).toBe(false);
    expect(isLocale('AR')).toBe(false);
    expect(isLocale(undefined)).toBe(false);
  });
});

describe('translate — the seed (seed-ar.md) strings, byte for byte', () => {
  it.each([
    ['conversation_created', 'Conversation created successfully', 'تم إنشاء المحادثة بنجاح'],
    ['message_sent', 'Message sent successfully', 'تم إرسال الرسالة بنجاح'],
  ] as const)('%s', (key, en, ar) => {
    expect(translate('en', key)).toBe(en);
    expect(translate('ar', key)).toBe(ar);
    expect(Buffer.from(translate('ar', key), 'utf8').equals(Buffer.from(ar, 'utf8'))).toBe(true);
  });
});

describe('translate — Laravel strings', () => {
  it('auth.failed (lang/en/auth.php; laravel-lang ar php.json "failed")', () => {
    expect(translate('en', 'invalid_credentials')).toBe('These credentials do not match our records.');
    expect(translate('ar', 'invalid_credentials')).toBe('بيانات الاعتماد هذه غير متطابقة مع البيانات المسجلة لدينا.');
  });
  it('auth.throttle with :seconds', () => {
    expect(translate('en', 'throttled', { seconds: 42 })).toBe(
      'Too many login attempts. Please try again in 42 seconds.',
    );
    expect(translate('ar', 'throttled', { seconds: 42 })).toBe(
      'عدد كبير جدا من محاولات الدخول. يرجى المحاولة مرة أخرى بعد 42 ثانية.',
    );
  });
  it('Unauthenticated. is untranslated in Laravel (no laravel-lang entry)', () => {
    expect(translate('en', 'unauthenticated')).toBe('Unauthenticated.');
    expect(translate('ar', 'unauthenticated')).toBe('Unauthenticated.');
  });
  it('The given data was invalid. (laravel-lang ar json)', () => {
    expect(translate('en', 'validation_failed')).toBe('The given data was invalid.');
    expect(translate('ar', 'validation_failed')).toBe('البيانات المدخلة غير صالحة.');
  });
  it('Not Found (laravel-lang ar json)', () => {
    expect(translate('en', 'not_found')).toBe('Not Found');
    expect(translate('ar', 'not_found')).toBe('غير متوفر');
  });
  it('route and method errors keep Laravel\'s wording', () => {
    expect(translate('ar', 'route_not_found', { path: 'api/nope' })).toBe('The route api/nope could not be found.');
    expect(translate('en', 'method_not_allowed', { method: 'PUT', path: 'api/login', methods: 'POST' })).toBe(
      'The PUT method is not supported for route api/login. Supported methods: POST.',
    );
  });
});

describe('translate — chatctl strings', () => {
  it.each([
    ['conversation_exists', 'Conversation already exists', 'المحادثة موجودة بالفعل'],
    ['messages_marked_read', 'Messages marked as read', 'تم تعليم الرسائل كمقروءة'],
    ['registered', 'Registered successfully', 'تم التسجيل بنجاح'],
    ['logged_in', 'Logged in successfully', 'تم تسجيل الدخول بنجاح'],
    ['logged_out', 'Logged out successfully', 'تم تسجيل الخروج بنجاح'],
    ['forbidden', 'You are not a participant in this conversation', 'لست مشاركًا في هذه المحادثة'],
    ['conversation_not_found', 'Conversation not found', 'المحادثة غير موجودة'],
    ['cannot_start_with_self', 'You cannot start a conversation with yourself', 'لا يمكنك بدء محادثة مع نفسك'],
    ['idempotency_key_invalid', 'The Idempotency-Key header must be 1 to 255 visible ASCII characters', 'يجب أن تتكون ترويسة Idempotency-Key من 1 إلى 255 حرفًا من حروف ASCII المرئية'],
  ] as const)('%s', (key, en, ar) => {
    expect(translate('en', key)).toBe(en);
    expect(translate('ar', key)).toBe(ar);
  });

  it('has a non-empty string for every key in both locales, the same placeholders in each', () => {
    for (const key of MESSAGE_KEYS) {
      const en = translate('en', key);
      const ar = translate('ar', key);
      expect(en.length).toBeGreaterThan(0);
      expect(ar.length).toBeGreaterThan(0);
      const ph = (s: string): string[] => (s.match(/:[a-z]+/g) ?? []).sort();
      expect(ph(ar)).toEqual(ph(en));
    }
  });

  it('lists the keys', () => {
    expect(MESSAGE_KEYS).toContain<MessageKey>('attachment_required');
    expect(MESSAGE_KEYS).toContain<MessageKey>('idempotency_mismatch');
    expect(MESSAGE_KEYS).toContain<MessageKey>('payload_too_large');
    expect(MESSAGE_KEYS).toContain<MessageKey>('unsupported_media_type');
    expect(MESSAGE_KEYS).toContain<MessageKey>('malformed_body');
  });
});

describe('translate — Laravel makeReplacements()', () => {
  it('replaces :key, :Key (ucfirst) and :KEY (upper); leaves unknown placeholders', () => {
    expect(translate('en', 'route_not_found', { path: 'x' })).toBe('The route x could not be found.');
    expect(translate('en', 'throttled')).toBe('Too many login attempts. Please try again in :seconds seconds.');
  });
});
