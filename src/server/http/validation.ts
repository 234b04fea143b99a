// Request-body validation: zod schemas, with failures reported the way Laravel's validator does
// (422, `errors: {field: [message]}`, message = first error + "(and N more errors)").
import { z } from 'zod';
import { EMAIL_PATTERN } from '../../shared/email.js';
import { HttpError, type FieldErrors } from './errors.js';
import { summarizeValidation, translate, validationMessage, type Locale, type ValidationRule } from './i18n/index.js';

/** Tags a schema with the Laravel rule its failure corresponds to. */
export interface RuleMeta {
  rule: ValidationRule;
  params?: Record<string, string | number>;
}

const rule = (meta: RuleMeta) => ({ params: meta as unknown as Record<string, unknown> });

/** `required|string|max:n` (and optionally min) — Laravel trims strings and turns '' into null first. */
export function requiredString(options: { max: number; min?: number }) {
  return z.preprocess(
    trimToUndefined,
    z
      .custom<unknown>((v) => v !== undefined, rule({ rule: 'required' }))
      .pipe(z.custom<string>((v) => typeof v === 'string', rule({ rule: 'string' })))
      .pipe(
        z
          .string()
          .refine((v) => v.length >= (options.min ?? 0), rule({ rule: 'min.string', params: { min: options.min ?? 0 } }))
          .refine((v) => v.length <= options.max, rule({ rule: 'max.string', params: { max: options.max } })),
      ),
  );
}

export function optionalString(options: { max: number }) {
  return z.preprocess(
    trimToUndefined,
    z
      .custom<unknown>(() => true)
      .pipe(z.custom<string | undefined>((v) => v === undefined || typeof v === 'string', rule({ rule: 'string' })))
      .pipe(
        z
          .string()
          .refine((v) => v.length <= options.max, rule({ rule: 'max.string', params: { max: options.max } }))
          .optional(),
      ),
  );
}

/** `required|integer`, accepting JSON numbers and form-encoded digit strings, as Laravel does. */
export function requiredInteger() {
  return z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : trimToUndefined(v)),
    z
      .custom<unknown>((v) => v !== undefined, rule({ rule: 'required' }))
      .pipe(z.custom<number>((v) => typeof v === 'number' && Number.isSafeInteger(v), rule({ rule: 'integer' }))),
  );
}

export function requiredEmail() {
  return requiredString({ max: 255 }).pipe(
    z.string().refine((v) => EMAIL_PATTERN.test(v), rule({ rule: 'email' })),
  );
}

export function optionalEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess(
    trimToUndefined,
    z.custom<T[number] | undefined>(
      (v) => v === undefined || (typeof v === 'string' && (values as readonly string[]).includes(v)),
      rule({ rule: 'in' }),
    ),
  );
}

function trimToUndefined(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  return value;
}

/** Throws a 400 for bodies that are not an object, a 422 with Laravel-style errors otherwise. */
export function validateBody<S extends z.ZodType>(schema: S, body: unknown, locale: Locale): z.output<S> {
  const input = body === undefined || body === null ? {} : body;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new HttpError(400, translate(locale, 'malformed_body'));
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw validationError(locale, issuesToErrors(parsed.error.issues, locale));
}

export function validationError(locale: Locale, errors: FieldErrors): HttpError {
  return new HttpError(422, summarizeValidation(locale, Object.values(errors).flat()), errors);
}

function issuesToErrors(issues: readonly z.core.$ZodIssue[], locale: Locale): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'body');
    if (errors[field]) continue; // Laravel stops at the first failing rule per field (bail-like output)
    const meta = (issue as { params?: Partial<RuleMeta> }).params;
    const ruleName: ValidationRule = meta?.rule ?? 'string';
    errors[field] = [validationMessage(locale, ruleName, field, meta?.params)];
  }
  return errors;
}
