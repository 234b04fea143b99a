/**
 * The API's fixed strings, en and ar.
 *
 * Where the string comes from:
 * - the seed (`shared/spec/seed-ar.md`): conversation_created, message_sent — the Arabic is
 *   the original app's, byte for byte; the English is seed.md's rendering;
 * - Laravel 10/11 with laravel-lang/lang `locales/ar`: invalid_credentials (`auth.failed`),
 *   throttled (`auth.throttle`), validation_failed ('The given data was invalid.'),
 *   not_found ('Not Found'), action_unauthorized ('This action is unauthorized.'),
 *   server_error ('Server Error');
 * - Laravel framework messages Laravel never translates, so an `APP_LOCALE=ar` Laravel app
 *   answers them in English, and so does chatctl: unauthenticated
 *   (AuthenticationException 'Unauthenticated.' — laravel-lang has no entry for it),
 *   too_many_requests (ThrottleRequests 'Too Many Attempts.'), route_not_found and
 *   method_not_allowed (Illuminate\Routing\AbstractRouteCollection);
 * - chatctl's own (no Laravel counterpart), written in the seed's style ("تم … بنجاح",
 *   no final full stop on success messages): everything else.
 */
import { strtr, ucfirst, type Locale } from './locale.js';

const en = {
  // seed
  conversation_created: 'Conversation created successfully',
  message_sent: 'Message sent successfully',
  // chat (chatctl)
  conversation_exists: 'Conversation already exists',
  conversation_not_found: 'Conversation not found',
  messages_marked_read: 'Messages marked as read',
  forbidden: 'You are not a participant in this conversation',
  cannot_start_with_self: 'You cannot start a conversation with yourself',
  attachment_required: 'A file is required for image and file messages',
  attachment_not_allowed: 'Text messages cannot carry a file',
  idempotency_mismatch: 'This Idempotency-Key was already used for a different request',
  idempotency_key_invalid: 'The Idempotency-Key header must be 1 to 255 visible ASCII characters',
  // auth (chatctl)
  registered: 'Registered successfully',
  logged_in: 'Logged in successfully',
  logged_out: 'Logged out successfully',
  // Laravel: Illuminate\Auth\AuthenticationException
  unauthenticated: 'Unauthenticated.',
  // Laravel: lang/en/auth.php
  invalid_credentials: 'These credentials do not match our records.',
  throttled: 'Too many login attempts. Please try again in :seconds seconds.',
  // Laravel: Illuminate\Routing\Middleware\ThrottleRequests
  too_many_requests: 'Too Many Attempts.',
  // Laravel: Illuminate\Auth\Access\AuthorizationException
  action_unauthorized: 'This action is unauthorized.',
  // Laravel: Symfony status text used by Laravel's error pages / laravel-lang json
  not_found: 'Not Found',
  server_error: 'Server Error',
  // Laravel: Illuminate\Routing\AbstractRouteCollection
  route_not_found: 'The route :path could not be found.',
  method_not_allowed: 'The :method method is not supported for route :path. Supported methods: :methods.',
  // Laravel: Illuminate\Validation\ValidationException (fallback when there is no message)
  validation_failed: 'The given data was invalid.',
  // request parsing (chatctl)
  malformed_body: 'The request body is not valid JSON',
  malformed_multipart: 'The request body is not valid multipart/form-data',
  payload_too_large: 'The request is too large',
  unsupported_media_type:
    'Unsupported content type: send application/json, application/x-www-form-urlencoded or multipart/form-data',
} as const;

export type MessageKey = keyof typeof en;

const ar: Readonly<Record<MessageKey, string>> = {
  conversation_created: 'تم إنشاء المحادثة بنجاح',
  message_sent: 'تم إرسال الرسالة بنجاح',
  conversation_exists: 'المحادثة موجودة بالفعل',
  conversation_not_found: 'المحادثة غير موجودة',
  messages_marked_read: 'تم تعليم الرسائل كمقروءة',
  forbidden: 'لست مشاركًا في هذه المحادثة',
  cannot_start_with_self: 'لا يمكنك بدء محادثة مع نفسك',
  attachment_required: 'يجب إرفاق ملف مع رسائل الصور والملفات',
  attachment_not_allowed: 'لا يمكن إرفاق ملف مع الرسائل النصية',
  idempotency_mismatch: 'مفتاح Idempotency-Key هذا مستخدم من قبل لطلب مختلف',
  idempotency_key_invalid: 'يجب أن تتكون ترويسة Idempotency-Key من 1 إلى 255 حرفًا من حروف ASCII المرئية',
  registered: 'تم التسجيل بنجاح',
  logged_in: 'تم تسجيل الدخول بنجاح',
  logged_out: 'تم تسجيل الخروج بنجاح',
  // untranslated by Laravel (see header)
  unauthenticated: 'Unauthenticated.',
  // laravel-lang/lang locales/ar/php.json `failed`, `throttle`
  invalid_credentials: 'بيانات الاعتماد هذه غير متطابقة مع البيانات المسجلة لدينا.',
  throttled: 'عدد كبير جدا من محاولات الدخول. يرجى المحاولة مرة أخرى بعد :seconds ثانية.',
  // untranslated by Laravel (see header)
  too_many_requests: 'Too Many Attempts.',
  // laravel-lang/lang locales/ar/json.json
  action_unauthorized: 'هذا الإجراء غير مصرح به.',
  not_found: 'غير متوفر',
  server_error: 'خطأ في الإستضافة',
  // untranslated by Laravel (see header)
  route_not_found: 'The route :path could not be found.',
  method_not_allowed: 'The :method method is not supported for route :path. Supported methods: :methods.',
  // laravel-lang/lang locales/ar/json.json 'The given data was invalid.'
  validation_failed: 'البيانات المدخلة غير صالحة.',
  malformed_body: 'محتوى الطلب ليس JSON صالحًا',
  malformed_multipart: 'محتوى الطلب ليس multipart/form-data صالحًا',
  payload_too_large: 'حجم الطلب كبير جدًا',
  unsupported_media_type:
    'نوع المحتوى غير مدعوم: أرسل application/json أو application/x-www-form-urlencoded أو multipart/form-data',
};

const CATALOGUES: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en, ar };

/** Every message key, in declaration order. */
export const MESSAGE_KEYS: readonly MessageKey[] = Object.keys(en) as MessageKey[];

export type TranslateParams = Readonly<Record<string, string | number>>;

/**
 * Laravel's Translator::makeReplacements(): each `key` replaces `:key`, `:Key` (value
 * ucfirst) and `:KEY` (value upper-cased), in one strtr pass (longest placeholder wins).
 */
export function replacePlaceholders(line: string, params?: TranslateParams): string {
  if (!params) return line;
  const pairs: Record<string, string> = {};
  for (const [key, raw] of Object.entries(params)) {
    const value = String(raw);
    pairs[`:${ucfirst(key)}`] = ucfirst(value);
    pairs[`:${key.toUpperCase()}`] = value.toUpperCase();
    pairs[`:${key}`] = value;
  }
  return strtr(line, pairs);
}

/** The API string `key` in `locale`, with `:param` placeholders filled in. */
export function translate(locale: Locale, key: MessageKey, params?: TranslateParams): string {
  return replacePlaceholders(CATALOGUES[locale][key], params);
}
