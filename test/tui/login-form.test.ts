// The login form's pure state: typing, focus, mode switches, and where each kind of server
// answer is shown.
import { describe, expect, it } from 'vitest';
import { initialForm, loginFormReducer, masked, placeFailure, serverProblem, type LoginAction, type LoginForm } from '../../src/tui/state/login-form.js';

const run = (form: LoginForm, ...actions: LoginAction[]) => actions.reduce(loginFormReducer, form);

describe('login form state', () => {
  it('starts on the first empty field and types into the focused one; e-mails lose spaces, passwords keep them', () => {
    const form = initialForm({ server: 'http://127.0.0.1:8000' });
    expect(form.focus).toBe('email');
    const typed = run(form, { type: 'insert', text: ' ann@x.org \n' }, { type: 'focus', delta: 1 }, { type: 'insert', text: 'a b\u0007c' });
    expect(typed.values).toEqual({ server: 'http://127.0.0.1:8000', name: '', email: 'ann@x.org', password: 'a bc' });
    expect(run(typed, { type: 'backspace' }).values.password).toBe('a b');
    expect(run(typed, { type: 'clear-field' }).values.password).toBe('');
    expect(run(typed, { type: 'focus', delta: 1 }).focus).toBe('server'); // wraps around
  });

  it('switching to register keeps what was typed and focuses the empty name; errors go', () => {
    const form = run(initialForm({ server: 'http://s', email: 'ann@x.org' }), { type: 'failed', failure: { status: 422, message: 'x', errors: { email: ['Bad.'] } } });
    const register = run(form, { type: 'switch-mode' });
    expect(register).toMatchObject({ mode: 'register', focus: 'name', fieldErrors: {}, banner: null });
    expect(register.values.email).toBe('ann@x.org');
  });

  it('places a 422 beside its fields (password_confirmation on the password), the rest on the banner line', () => {
    const placed = placeFailure('register', { status: 422, message: 'The given data was invalid.', errors: { email: ['The email has already been taken.'], password_confirmation: ['No match.'], avatar: ['Too long.'] } }, 'password');
    expect(placed).toEqual({
      fieldErrors: { email: 'The email has already been taken.', password: 'No match.' },
      banner: { text: 'Too long.', tone: 'error' },
      focus: 'email',
    });
    // another server's errors of the wrong shape are not trusted
    const odd = placeFailure('login', { status: 422, message: 'Nope', errors: { email: 'plain string' as unknown as string[], password: [42 as unknown as string] } }, 'password');
    expect(odd).toEqual({ fieldErrors: { email: 'plain string' }, banner: null, focus: 'password' });
  });

  it('a refused connection goes beside the server field; 429 keeps its wait, or adds Retry-After when the message has none', () => {
    expect(placeFailure('login', { status: 0, message: 'Cannot reach http://h:1 (ECONNREFUSED); is chatctl serve running?' }, 'password')).toEqual({
      fieldErrors: { server: 'Cannot reach http://h:1 (ECONNREFUSED); is chatctl serve running?' },
      banner: null,
      focus: 'server',
    });
    expect(placeFailure('login', { status: 429, message: 'Too many login attempts. Please try again in 42 seconds.', retryAfter: 42 }, 'email').banner).toEqual({
      text: 'Too many login attempts. Please try again in 42 seconds.',
      tone: 'error',
    });
    expect(placeFailure('login', { status: 429, message: 'Too Many Attempts.', retryAfter: 30 }, 'email').banner?.text).toBe('Too Many Attempts. Try again in 30 seconds.');
    expect(placeFailure('login', { status: 404, message: 'Not Found' }, 'email').fieldErrors.server).toBe('Not Found (HTTP 404): is this a chatctl server?');
  });

  it('checks the server URL before any request, and masks the password', () => {
    expect(serverProblem('http://127.0.0.1:8000')).toBeNull();
    expect(serverProblem('')).toBe('Type the server URL, for example http://127.0.0.1:8000.');
    expect(serverProblem('ftp://x')).toBe('The server URL must start with http:// or https://.');
    expect(serverProblem('not a url')).toBe('"not a url" is not a URL; use something like http://127.0.0.1:8000.');
    expect(masked('pässwörd')).toBe('••••••••');
  });

  it('ignores typing while the request is on its way', () => {
    const sending = run(initialForm({ server: 'http://s' }), { type: 'insert', text: 'a@b.c' }, { type: 'submit-start' }, { type: 'insert', text: 'zzz' }, { type: 'switch-mode' });
    expect(sending).toMatchObject({ submitting: true, mode: 'login' });
    expect(sending.values.email).toBe('a@b.c');
  });
});
