// The login / register form of `chatctl chat`, as pure state: what was typed (kept across
// failures and mode switches), which field has the focus, and the server's answers placed where
// they belong — a 422's field messages beside their fields, a refused connection beside the
// server URL, anything else (429 with its wait, 5xx) on one line above the form.

export type LoginMode = 'login' | 'register';
export type FieldName = 'server' | 'name' | 'email' | 'password';

export const FIELDS: Record<LoginMode, readonly FieldName[]> = {
  login: ['server', 'email', 'password'],
  register: ['server', 'name', 'email', 'password'],
};

export const LABELS: Record<FieldName, string> = { server: 'Server', name: 'Name', email: 'E-mail', password: 'Password' };

/** Longest value a field takes (the server's own limits are 255; a URL may be longer). */
const MAX_LENGTH: Record<FieldName, number> = { server: 2048, name: 255, email: 255, password: 255 };

export interface Banner {
  text: string;
  tone: 'error' | 'info';
}

export interface LoginForm {
  mode: LoginMode;
  values: Record<FieldName, string>;
  focus: FieldName;
  fieldErrors: Partial<Record<FieldName, string>>;
  /** One line above the form: why it is shown (session ended, logged out) or a failure without a field. */
  banner: Banner | null;
  submitting: boolean;
}

/** What a failed request looked like (ApiError's fields, without depending on the client). */
export interface RequestFailure {
  status: number;
  message: string;
  errors?: Record<string, string[]>;
  retryAfter?: number;
}

export type LoginAction =
  | { type: 'insert'; text: string }
  | { type: 'backspace' }
  | { type: 'clear-field' }
  | { type: 'focus'; delta: 1 | -1 }
  | { type: 'switch-mode' }
  | { type: 'focus-on'; field: FieldName }
  | { type: 'banner'; banner: Banner | null }
  | { type: 'submit-start' }
  | { type: 'invalid'; field: FieldName; message: string }
  | { type: 'failed'; failure: RequestFailure }
  | { type: 'succeeded' };

export function initialForm(options: { server: string; email?: string; banner?: Banner | null; mode?: LoginMode }): LoginForm {
  const values = { server: options.server, name: '', email: options.email ?? '', password: '' };
  const mode = options.mode ?? 'login';
  return { mode, values, focus: firstEmpty(mode, values) ?? 'password', fieldErrors: {}, banner: options.banner ?? null, submitting: false };
}

/** The first field of this mode nothing was typed into. */
export function firstEmpty(mode: LoginMode, values: Record<FieldName, string>): FieldName | null {
  return FIELDS[mode].find((field) => values[field].trim() === '') ?? null;
}

/** Typed text without line breaks or control characters (a paste may carry them); passwords keep spaces. */
function clean(field: FieldName, text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return field === 'password' || field === 'name' ? flat : flat.replace(/\s/g, '');
}

function withValue(state: LoginForm, value: string): LoginForm {
  const field = state.focus;
  const fieldErrors = { ...state.fieldErrors };
  delete fieldErrors[field]; // what is being fixed loses its message
  return { ...state, values: { ...state.values, [field]: Array.from(value).slice(0, MAX_LENGTH[field]).join('') }, fieldErrors };
}

export function loginFormReducer(state: LoginForm, action: LoginAction): LoginForm {
  switch (action.type) {
    case 'insert':
      if (state.submitting) return state;
      return withValue(state, state.values[state.focus] + clean(state.focus, action.text));
    case 'backspace':
      if (state.submitting) return state;
      return withValue(state, Array.from(state.values[state.focus]).slice(0, -1).join(''));
    case 'clear-field':
      if (state.submitting) return state;
      return withValue(state, '');
    case 'focus': {
      const fields = FIELDS[state.mode];
      const index = (fields.indexOf(state.focus) + action.delta + fields.length) % fields.length;
      return { ...state, focus: fields[index] ?? state.focus };
    }
    case 'focus-on':
      return FIELDS[state.mode].includes(action.field) ? { ...state, focus: action.field } : state;
    case 'banner':
      return { ...state, banner: action.banner };
    case 'switch-mode': {
      if (state.submitting) return state;
      const mode: LoginMode = state.mode === 'login' ? 'register' : 'login';
      const focus = firstEmpty(mode, state.values) ?? (FIELDS[mode].includes(state.focus) ? state.focus : 'email');
      return { ...state, mode, focus, fieldErrors: {}, banner: null };
    }
    case 'submit-start':
      return { ...state, submitting: true, fieldErrors: {}, banner: null };
    case 'invalid':
      return { ...state, submitting: false, focus: action.field, fieldErrors: { [action.field]: action.message } };
    case 'failed':
      return { ...state, submitting: false, ...placeFailure(state.mode, action.failure, state.focus) };
    case 'succeeded':
      return { ...state, submitting: false, values: { ...state.values, password: '' } };
  }
}

/** Laravel names some rules after another field (password_confirmation belongs to password). */
function fieldFor(key: string, mode: LoginMode): FieldName | null {
  const base = key === 'password_confirmation' ? 'password' : key;
  return (FIELDS[mode] as readonly string[]).includes(base) && base !== 'server' ? (base as FieldName) : null;
}

const sentence = (text: string) => {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
};

/** Where a failed login or registration is shown, in the server's own words. */
export function placeFailure(mode: LoginMode, failure: RequestFailure, focus: FieldName): Pick<LoginForm, 'fieldErrors' | 'banner' | 'focus'> {
  if (failure.status === 0) {
    // Could not connect at all: the message names the URL tried.
    return { fieldErrors: { server: sentence(failure.message) }, banner: null, focus: 'server' };
  }
  if (failure.status === 422 && failure.errors && Object.keys(failure.errors).length > 0) {
    const fieldErrors: Partial<Record<FieldName, string>> = {};
    const elsewhere: string[] = [];
    for (const [key, messages] of Object.entries(failure.errors as Record<string, unknown>)) {
      // Another server's answer is not trusted to have the seed's shape.
      const text = (Array.isArray(messages) ? messages : [messages]).filter((m): m is string => typeof m === 'string').join(' ');
      if (!text) continue;
      const field = fieldFor(key, mode);
      if (field) fieldErrors[field] = fieldErrors[field] ? `${fieldErrors[field]} ${text}` : text;
      else elsewhere.push(text);
    }
    const first = FIELDS[mode].find((field) => fieldErrors[field] !== undefined);
    return {
      fieldErrors,
      banner: elsewhere.length > 0 || !first ? { text: elsewhere.join(' ') || sentence(failure.message), tone: 'error' } : null,
      // Registering, the field to fix gets the focus; a refused login keeps it (usually on the password).
      focus: mode === 'register' ? (first ?? focus) : focus,
    };
  }
  if (failure.status === 429) {
    const wait = failure.retryAfter !== undefined && !/\d/.test(failure.message) ? ` Try again in ${failure.retryAfter} seconds.` : '';
    return { fieldErrors: {}, banner: { text: `${sentence(failure.message)}${wait}`, tone: 'error' }, focus };
  }
  if (failure.status === 404 || failure.status === 405) {
    // Not the chat API: the URL is what to fix.
    return { fieldErrors: { server: `${failure.message.trim().replace(/\.$/, '')} (HTTP ${failure.status}): is this a chatctl server?` }, banner: null, focus: 'server' };
  }
  return { fieldErrors: {}, banner: { text: sentence(failure.message), tone: 'error' }, focus };
}

/** The server URL as typed, checked before any request: a sentence for the field, or null when fine. */
export function serverProblem(server: string): string | null {
  const value = server.trim();
  if (!value) return 'Type the server URL, for example http://127.0.0.1:8000.';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL; use something like http://127.0.0.1:8000.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The server URL must start with http:// or https://.';
  return null;
}

/** The password as shown: one dot per character. */
export function masked(password: string): string {
  return '•'.repeat(Array.from(password).length);
}
