/**
 * Laravel validation messages for the rules chatctl uses, as Laravel 10/11 words them.
 *
 * - en: laravel/framework `src/Illuminate/Translation/lang/en/validation.php` (the lines
 *   used here are identical on the 10.x and 11.x branches).
 * - ar: laravel-lang/lang `locales/ar/php.json` (validation lines) and
 *   `locales/ar/json.json` (the "(and :count more errors)" summary), attribute names from
 *   laravel-lang/attributes `locales/ar/php.json` (`attributes.*`).
 * - placeholders: Illuminate\Validation\Concerns\FormatsMessages::getDisplayableAttribute
 *   / replaceAttributePlaceholder and ReplacesAttributes::replace{Min,Max,Mimes,
 *   RequiredWith,RequiredWithout,Same,Different,Prohibits}.
 * - summary: Illuminate\Validation\ValidationException::summarize (11.x, which uses
 *   Translator::choice with Illuminate\Translation\MessageSelector).
 */
import { ucfirst, type Locale } from './locale.js';
import { replacePlaceholders } from './messages.js';

export type ValidationRule =
  | 'required'
  | 'string'
  | 'integer'
  | 'numeric'
  | 'array'
  | 'boolean'
  | 'email'
  | 'unique'
  | 'exists'
  | 'in'
  | 'not_in'
  | 'confirmed'
  | 'same'
  | 'different'
  | 'prohibited'
  | 'prohibits'
  | 'file'
  | 'image'
  | 'mimes'
  | 'mimetypes'
  | 'uploaded'
  | 'required_with'
  | 'required_without'
  | 'min.string'
  | 'min.numeric'
  | 'min.file'
  | 'min.array'
  | 'max.string'
  | 'max.numeric'
  | 'max.file'
  | 'max.array';

const EN: Readonly<Record<ValidationRule, string>> = {
  required: 'The :attribute field is required.',
  string: 'The :attribute field must be a string.',
  integer: 'The :attribute field must be an integer.',
  numeric: 'The :attribute field must be a number.',
  array: 'The :attribute field must be an array.',
  boolean: 'The :attribute field must be true or false.',
  email: 'The :attribute field must be a valid email address.',
  unique: 'The :attribute has already been taken.',
  exists: 'The selected :attribute is invalid.',
  in: 'The selected :attribute is invalid.',
  not_in: 'The selected :attribute is invalid.',
  confirmed: 'The :attribute field confirmation does not match.',
  same: 'The :attribute field must match :other.',
  different: 'The :attribute field and :other must be different.',
  prohibited: 'The :attribute field is prohibited.',
  prohibits: 'The :attribute field prohibits :other from being present.',
  file: 'The :attribute field must be a file.',
  image: 'The :attribute field must be an image.',
  mimes: 'The :attribute field must be a file of type: :values.',
  mimetypes: 'The :attribute field must be a file of type: :values.',
  uploaded: 'The :attribute failed to upload.',
  required_with: 'The :attribute field is required when :values is present.',
  required_without: 'The :attribute field is required when :values is not present.',
  'min.string': 'The :attribute field must be at least :min characters.',
  'min.numeric': 'The :attribute field must be at least :min.',
  'min.file': 'The :attribute field must be at least :min kilobytes.',
  'min.array': 'The :attribute field must have at least :min items.',
  'max.string': 'The :attribute field must not be greater than :max characters.',
  'max.numeric': 'The :attribute field must not be greater than :max.',
  'max.file': 'The :attribute field must not be greater than :max kilobytes.',
  'max.array': 'The :attribute field must not have more than :max items.',
};

const AR: Readonly<Record<ValidationRule, string>> = {
  required: 'حقل :attribute مطلوب.',
  string: 'يجب أن يكون حقل :attribute نصًا.',
  integer: 'يجب أن يكون حقل :attribute عددًا صحيحًا.',
  numeric: 'يجب على حقل :attribute أن يكون رقمًا.',
  array: 'يجب أن يكون حقل :attribute ًمصفوفة.',
  boolean: 'يجب أن تكون قيمة حقل :attribute إما true أو false .',
  email: 'يجب أن يكون حقل :attribute عنوان بريد إلكتروني صحيح البُنية.',
  unique: 'قيمة حقل :attribute مُستخدمة من قبل.',
  exists: 'قيمة الحقل :attribute غير موجودة.',
  in: 'قيمة حقل :attribute غير موجودة في قائمة القيم المسموح بها.',
  not_in: 'يجب ألا يكون حقل :attribute موجودًا في القائمة.',
  confirmed: 'حقل التأكيد غير مُطابق للحقل :attribute.',
  same: 'يجب أن يتطابق حقل :attribute مع :other.',
  different: 'يجب أن يكون الحقلان :attribute و :other مُختلفين.',
  prohibited: 'حقل :attribute محظور.',
  prohibits: 'الحقل :attribute يحظر تواجد الحقل :other.',
  file: 'الحقل :attribute يجب أن يكون ملفا.',
  image: 'يجب أن يكون حقل :attribute صورةً.',
  mimes: 'يجب أن يكون ملفًا من نوع : :values.',
  mimetypes: 'يجب أن يكون ملفًا من نوع : :values.',
  uploaded: 'فشل في تحميل الـ :attribute.',
  required_with: 'حقل :attribute مطلوب إذا توفّر :values.',
  required_without: 'حقل :attribute مطلوب إذا لم يتوفّر :values.',
  'min.string': 'يجب أن يكون طول نص حقل :attribute على الأقل :min حروفٍ/حرفًا.',
  'min.numeric': 'يجب أن تكون قيمة حقل :attribute مساوية أو أكبر من :min.',
  'min.file': 'يجب أن يكون حجم ملف حقل :attribute على الأقل :min كيلوبايت.',
  'min.array': 'يجب أن يحتوي حقل :attribute على الأقل على :min عُنصرًا/عناصر.',
  'max.string': 'يجب أن لا يتجاوز طول نّص حقل :attribute :max حروفٍ/حرفًا.',
  'max.numeric': 'يجب أن تكون قيمة حقل :attribute مساوية أو أصغر من :max.',
  'max.file': 'يجب أن لا يتجاوز حجم ملف حقل :attribute :max كيلوبايت.',
  'max.array': 'يجب أن لا يحتوي حقل :attribute على أكثر من :max عناصر/عنصر.',
};

const TEMPLATES: Readonly<Record<Locale, Readonly<Record<ValidationRule, string>>>> = { en: EN, ar: AR };

/**
 * `validation.attributes`: Laravel's own en file has none (`'attributes' => []`); the ar
 * names are laravel-lang/attributes `locales/ar/php.json`. It has no `user_id`, `file`,
 * `avatar`, `search`, so Laravel shows those as "user id", "file", … in Arabic too.
 */
const ATTRIBUTES: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  en: {},
  ar: {
    name: 'الاسم',
    email: 'البريد الالكتروني',
    password: 'كلمة المرور',
    password_confirmation: 'تأكيد كلمة المرور',
    current_password: 'كلمة المرور الحالية',
    message: 'الرسالة',
    type: 'النوع',
    image: 'صورة',
    content: 'المُحتوى',
    body: 'المُحتوى',
    user: 'المستخدم',
    username: 'اسم المُستخدم',
  },
};

/** Laravel's `Str::snake($value)` with the default `_` delimiter. */
function snake(value: string): string {
  if (/^[a-z]+$/.test(value)) return value; // ctype_lower()
  const words = value.replace(/(^|[ \t\r\n\f\v])(\S)/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase()); // ucwords()
  const squeezed = words.replace(/\s+/gu, '');
  return squeezed.replace(/(.)(?=[A-Z])/gu, '$1_').toLowerCase();
}

/**
 * FormatsMessages::getDisplayableAttribute(): the locale's `validation.attributes` entry,
 * else `str_replace('_', ' ', Str::snake($attribute))` — `user_id` → "user id".
 */
export function displayableAttribute(locale: Locale, attribute: string): string {
  const translated = ATTRIBUTES[locale][attribute];
  if (translated) return translated;
  return snake(attribute).replaceAll('_', ' ');
}

export interface ValidationParams {
  /** min.* rules */
  readonly min?: number | string;
  /** max.* rules (max.file: kilobytes) */
  readonly max?: number | string;
  /** mimes/mimetypes: allowed types; required_with/required_without: other field names */
  readonly values?: readonly (string | number)[];
  /** same/different: the other field's name; prohibits: the other field name(s) */
  readonly other?: string | readonly string[];
}

/**
 * The message Laravel's validator produces for `rule` failing on `attribute`, e.g.
 * en "The user id field is required.", ar "حقل الاسم مطلوب.".
 */
export function validationMessage(
  locale: Locale,
  rule: ValidationRule,
  attribute: string,
  params: ValidationParams = {},
): string {
  const display = displayableAttribute(locale, attribute);
  // replaceAttributePlaceholder(): str_replace over [':attribute', ':ATTRIBUTE', ':Attribute']
  let message = TEMPLATES[locale][rule]
    .replaceAll(':attribute', display)
    .replaceAll(':ATTRIBUTE', display.toUpperCase())
    .replaceAll(':Attribute', ucfirst(display));
  switch (rule) {
    case 'min.string':
    case 'min.numeric':
    case 'min.file':
    case 'min.array':
      message = message.replaceAll(':min', String(params.min ?? ''));
      break;
    case 'max.string':
    case 'max.numeric':
    case 'max.file':
    case 'max.array':
      message = message.replaceAll(':max', String(params.max ?? ''));
      break;
    case 'mimes':
    case 'mimetypes':
      message = message.replaceAll(':values', (params.values ?? []).map(String).join(', '));
      break;
    case 'required_with':
    case 'required_without':
      message = message.replaceAll(
        ':values',
        (params.values ?? []).map((v) => displayableAttribute(locale, String(v))).join(' / '),
      );
      break;
    case 'same':
    case 'different':
    case 'prohibits': {
      // replaceSame/replaceDifferent: one name; replaceProhibits: names joined with ' / '
      const others = typeof params.other === 'string' ? [params.other] : (params.other ?? []);
      message = message.replaceAll(':other', others.map((o) => displayableAttribute(locale, o)).join(' / '));
      break;
    }
    default:
      break;
  }
  return message;
}

/** Illuminate\Translation\MessageSelector::getPluralIndex() for en and ar. */
function laravelPluralIndex(locale: Locale, n: number): number {
  if (locale === 'en') return n === 1 ? 0 : 1;
  if (n === 0) return 0;
  if (n === 1) return 1;
  if (n === 2) return 2;
  if (n % 100 >= 3 && n % 100 <= 10) return 3;
  if (n % 100 >= 11 && n % 100 <= 99) return 4;
  return 5;
}

/** Illuminate\Translation\MessageSelector::choose(). */
export function chooseLaravel(locale: Locale, line: string, n: number): string {
  const segments = line.split('|');
  for (const part of segments) {
    const m = /^[{[]([^[\]{}]*)[}\]]([\s\S]*)/.exec(part);
    if (!m) continue;
    const condition = m[1] ?? '';
    const value = m[2] ?? '';
    if (condition.includes(',')) {
      const comma = condition.indexOf(',');
      const from = condition.slice(0, comma);
      const to = condition.slice(comma + 1);
      if (to === '*' && n >= Number(from)) return value.trim();
      if (from === '*' && n <= Number(to)) return value.trim();
      if (n >= Number(from) && n <= Number(to)) return value.trim();
    }
    if (condition !== '' && Number(condition) === n) return value.trim();
  }
  const stripped = segments.map((s) => s.replace(/^[{[]([^[\]{}]*)[}\]]/, ''));
  const index = laravelPluralIndex(locale, n);
  return stripped.length === 1 ? (stripped[0] ?? '') : (stripped[index] ?? stripped[0] ?? '');
}

/** The ` (and :count more error[s])` lines: the key itself in en, laravel-lang json in ar. */
const MORE_ERRORS: Readonly<Record<Locale, { readonly one: string; readonly many: string }>> = {
  en: { one: '(and :count more error)', many: '(and :count more errors)' },
  ar: {
    one: '(و :count خطأ إضافي)',
    many: '(و :count خطأ إضافي)|(و :count أخطاء إضافية)|(و :count أخطاء إضافية)',
  },
};

const GIVEN_DATA_INVALID: Readonly<Record<Locale, string>> = {
  en: 'The given data was invalid.',
  ar: 'البيانات المدخلة غير صالحة.',
};

/**
 * ValidationException::summarize(): the first error, plus " (and N more error[s])" when
 * there are more; "The given data was invalid." when there are none. `messages` is every
 * error message in order (Laravel's `$validator->errors()->all()`).
 */
export function summarizeValidation(locale: Locale, messages: readonly string[]): string {
  const [first, ...rest] = messages;
  if (first === undefined) return GIVEN_DATA_INVALID[locale];
  const count = rest.length;
  if (count === 0) return first;
  const lines = MORE_ERRORS[locale];
  const line = chooseLaravel(locale, count === 1 ? lines.one : lines.many, count);
  return `${first} ${replacePlaceholders(line, { count })}`;
}
