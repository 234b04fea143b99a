// Accounts and tokens over real HTTP: register/login/logout/user shapes, duplicate e-mails,
// the login throttle (429 + Retry-After), per-token logout, and the same flows with APP_LOCALE=ar.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISO_SECONDS, PASSWORD, registerAs } from '../helpers/flows.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

const TOKEN = /^\d+\|[A-Za-z0-9_-]{40}$/;

describe('auth (APP_LOCALE=en)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const login = (email: string, password: string) => api(server, 'POST', '/api/login', { json: { email, password } });
  const me = (token: string) => api(server, 'GET', '/api/user', { token });

  it('register: 201 with {token, token_type, user}', async () => {
    const res = await api(server, 'POST', '/api/register', {
      json: { name: 'Nour Hadi', email: 'nour@auth.test', password: PASSWORD, avatar: 'https://cdn.test/nour.png' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      status: true,
      message: 'Registered successfully',
      data: {
        token: expect.stringMatching(TOKEN),
        token_type: 'Bearer',
        user: {
          id: expect.any(Number),
          name: 'Nour Hadi',
          email: 'nour@auth.test',
          avatar: 'https://cdn.test/nour.png',
          created_at: expect.stringMatching(ISO_SECONDS),
          updated_at: expect.stringMatching(ISO_SECONDS),
        },
      },
    });
    expect(res.body.data.user.created_at).toBe(res.body.data.user.updated_at);
    expect(res.text).not.toContain(PASSWORD);
    const self = await me(res.body.data.token);
    expect({ status: self.status, body: self.body }).toEqual({ status: 200, body: { status: true, data: res.body.data.user } });

    const plain = await api(server, 'POST', '/api/register', { json: { name: 'No Avatar', email: 'plain@auth.test', password: PASSWORD } });
    expect([plain.status, plain.body.data.user.avatar]).toEqual([201, null]);
  });

  it('register: a duplicate e-mail in any letter case is a 422', async () => {
    const first = await api(server, 'POST', '/api/register', { json: { name: 'Dup', email: 'Dup.Case@Auth.test', password: PASSWORD } });
    expect(first.status).toBe(201);
    expect(first.body.data.user.email).toBe('Dup.Case@Auth.test');
    for (const email of ['Dup.Case@Auth.test', 'dup.case@auth.test', 'DUP.CASE@AUTH.TEST', '  dup.case@auth.TEST  ']) {
      const res = await api(server, 'POST', '/api/register', { json: { name: 'Other', email, password: PASSWORD } });
      expect({ email, status: res.status, body: res.body }).toEqual({
        email,
        status: 422,
        body: { status: false, message: 'The email has already been taken.', errors: { email: ['The email has already been taken.'] } },
      });
    }
    // The account behind it is unchanged and reachable with any case at login.
    const res = await login('DUP.case@auth.test', PASSWORD);
    expect([res.status, res.body.data.user.id, res.body.data.user.name]).toEqual([200, first.body.data.user.id, 'Dup']);
  });

  it('register: Laravel-style validation messages', async () => {
    const empty = await api(server, 'POST', '/api/register', { json: {} });
    expect({ status: empty.status, body: empty.body }).toEqual({
      status: 422,
      body: {
        status: false,
        message: 'The name field is required. (and 2 more errors)',
        errors: {
          name: ['The name field is required.'],
          email: ['The email field is required.'],
          password: ['The password field is required.'],
        },
      },
    });
    const short = await api(server, 'POST', '/api/register', { json: { name: 'S', email: 's@auth.test', password: 'short' } });
    expect(short.body).toEqual({
      status: false,
      message: 'The password field must be at least 8 characters.',
      errors: { password: ['The password field must be at least 8 characters.'] },
    });
    const mismatch = await api(server, 'POST', '/api/register', {
      json: { name: 'S', email: 's@auth.test', password: PASSWORD, password_confirmation: 'something-else' },
    });
    expect(mismatch.body).toEqual({
      status: false,
      message: 'The password field confirmation does not match.',
      errors: { password: ['The password field confirmation does not match.'] },
    });
    // None of those created the account.
    expect((await login('s@auth.test', PASSWORD)).status).toBe(422);
  });

  it('login: a new working token each time; wrong password and unknown e-mail are the same 422', async () => {
    const user = await registerAs(server, 'Lena', 'lena@auth.test', { avatar: 'https://cdn.test/lena.png' });
    const res = await login('lena@auth.test', PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: true,
      message: 'Logged in successfully',
      data: {
        token: expect.stringMatching(TOKEN),
        token_type: 'Bearer',
        user: {
          id: user.id,
          name: 'Lena',
          email: 'lena@auth.test',
          avatar: 'https://cdn.test/lena.png',
          created_at: expect.stringMatching(ISO_SECONDS),
          updated_at: expect.stringMatching(ISO_SECONDS),
        },
      },
    });
    expect(res.body.data.token).not.toBe(user.token);
    expect(res.text).not.toContain('password');
    expect((await me(res.body.data.token)).body.data.id).toBe(user.id);

    const invalid = { status: false, message: 'These credentials do not match our records.', errors: { email: ['These credentials do not match our records.'] } };
    const wrong = await login('lena@auth.test', 'not-the-password');
    const unknown = await login('nobody.here@auth.test', PASSWORD);
    expect({ status: wrong.status, body: wrong.body }).toEqual({ status: 422, body: invalid });
    expect({ status: unknown.status, body: unknown.body }).toEqual({ status: 422, body: invalid });
  });

  it('login throttle: 5 failures, then 429 with Retry-After even for the right password', async () => {
    await registerAs(server, 'Tara', 'tara@auth.test');
    for (let i = 0; i < 5; i++) {
      const res = await login('tara@auth.test', `wrong-${i}-password`);
      expect([i, res.status, res.body.message]).toEqual([i, 422, 'These credentials do not match our records.']);
      expect(res.headers.get('retry-after')).toBeNull();
    }
    const blocked = await login('tara@auth.test', PASSWORD);
    expect(blocked.status).toBe(429);
    const retryAfter = blocked.headers.get('retry-after');
    expect(retryAfter).toMatch(/^[1-9]\d*$/);
    const seconds = Number(retryAfter);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(blocked.body).toEqual({ status: false, message: `Too many login attempts. Please try again in ${seconds} seconds.` });
    expect(blocked.text).not.toContain('token');

    // Still blocked, whatever the letter case of the e-mail.
    const again = await login('TARA@Auth.Test', PASSWORD);
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeLessThanOrEqual(seconds);
    expect(again.body.message).toBe(`Too many login attempts. Please try again in ${again.headers.get('retry-after')} seconds.`);

    // Another account from the same address is not affected.
    await registerAs(server, 'Uri', 'uri@auth.test');
    expect((await login('uri@auth.test', PASSWORD)).status).toBe(200);
  });

  it('login throttle: unknown e-mails are throttled too; a success resets the count', async () => {
    for (let i = 0; i < 5; i++) expect((await login('ghost@auth.test', PASSWORD)).status).toBe(422);
    const ghost = await login('ghost@auth.test', PASSWORD);
    expect(ghost.status).toBe(429);
    expect(ghost.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);

    await registerAs(server, 'Vic', 'vic@auth.test');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect((await login('vic@auth.test', 'bad-password')).status).toBe(422);
      expect((await login('vic@auth.test', PASSWORD)).status).toBe(200);
    }
  });

  it('logout revokes only the token used', async () => {
    const user = await registerAs(server, 'Omar', 'omar@auth.test');
    const phone = (await login('omar@auth.test', PASSWORD)).body.data.token as string;
    const laptop = (await login('omar@auth.test', PASSWORD)).body.data.token as string;
    const out = await api(server, 'POST', '/api/logout', { token: phone });
    expect({ status: out.status, body: out.body }).toEqual({ status: 200, body: { status: true, message: 'Logged out successfully', data: null } });

    const revoked = await me(phone);
    expect({ status: revoked.status, body: revoked.body }).toEqual({ status: 401, body: { status: false, message: 'Unauthenticated.' } });
    expect((await api(server, 'POST', '/api/logout', { token: phone })).status).toBe(401);
    expect((await api(server, 'GET', '/api/chat/conversations', { token: phone })).status).toBe(401);
    for (const token of [user.token, laptop]) {
      const res = await me(token);
      expect([res.status, res.body.data.id]).toEqual([200, user.id]);
    }
    // Logging in again gives a fresh working token.
    const back = (await login('omar@auth.test', PASSWORD)).body.data.token as string;
    expect((await me(back)).status).toBe(200);
    expect((await api(server, 'POST', '/api/logout', {})).status).toBe(401);
  });
});

describe('auth (APP_LOCALE=ar)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ APP_LOCALE: 'ar' });
  });
  afterAll(() => server.stop());

  const login = (email: string, password: string) => api(server, 'POST', '/api/login', { json: { email, password } });

  it('register, duplicate, login, wrong password, logout and 401 in the seed language', async () => {
    const reg = await api(server, 'POST', '/api/register', { json: { name: 'أحمد محمد', email: 'ahmad@ar.test', password: PASSWORD } });
    expect(reg.status).toBe(201);
    expect(reg.body.message).toBe('تم التسجيل بنجاح');
    expect(reg.body.data.user).toMatchObject({ name: 'أحمد محمد', email: 'ahmad@ar.test', avatar: null });

    const dup = await api(server, 'POST', '/api/register', { json: { name: 'آخر', email: 'AHMAD@ar.test', password: PASSWORD } });
    expect({ status: dup.status, body: dup.body }).toEqual({
      status: 422,
      body: {
        status: false,
        message: 'قيمة حقل البريد الالكتروني مُستخدمة من قبل.',
        errors: { email: ['قيمة حقل البريد الالكتروني مُستخدمة من قبل.'] },
      },
    });

    const missingName = await api(server, 'POST', '/api/register', { json: { email: 'x@ar.test', password: PASSWORD } });
    expect(missingName.body).toEqual({ status: false, message: 'حقل الاسم مطلوب.', errors: { name: ['حقل الاسم مطلوب.'] } });

    const wrong = await login('ahmad@ar.test', 'wrong-password');
    expect({ status: wrong.status, body: wrong.body }).toEqual({
      status: 422,
      body: {
        status: false,
        message: 'بيانات الاعتماد هذه غير متطابقة مع البيانات المسجلة لدينا.',
        errors: { email: ['بيانات الاعتماد هذه غير متطابقة مع البيانات المسجلة لدينا.'] },
      },
    });

    const ok = await login('ahmad@ar.test', PASSWORD);
    expect([ok.status, ok.body.message]).toEqual([200, 'تم تسجيل الدخول بنجاح']);
    const out = await api(server, 'POST', '/api/logout', { token: ok.body.data.token });
    expect(out.body).toEqual({ status: true, message: 'تم تسجيل الخروج بنجاح', data: null });
    // Laravel never translates this one.
    const after = await api(server, 'GET', '/api/user', { token: ok.body.data.token });
    expect({ status: after.status, body: after.body }).toEqual({ status: 401, body: { status: false, message: 'Unauthenticated.' } });
    expect((await api(server, 'GET', '/api/user', { token: reg.body.data.token })).status).toBe(200);
  });

  it('the login throttle answers in Arabic with the Retry-After seconds', async () => {
    await registerAs(server, 'سارة', 'sara@ar.test');
    for (let i = 0; i < 5; i++) expect((await login('sara@ar.test', 'bad-password')).status).toBe(422);
    const blocked = await login('sara@ar.test', PASSWORD);
    expect(blocked.status).toBe(429);
    const seconds = blocked.headers.get('retry-after');
    expect(seconds).toMatch(/^[1-9]\d*$/);
    expect(blocked.body).toEqual({
      status: false,
      message: `عدد كبير جدا من محاولات الدخول. يرجى المحاولة مرة أخرى بعد ${seconds} ثانية.`,
    });
  });
});
