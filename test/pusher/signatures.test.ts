import { describe, expect, it } from 'vitest';
import {
  channelStringToSign,
  hmacSha256Hex,
  md5Hex,
  parseQueryString,
  requestStringToSign,
  safeEqual,
  signChannel,
  signRequest,
  signUser,
  verifyChannelAuth,
  verifyRequest,
  verifyUserAuth,
} from '../../src/server/pusher/signatures.js';

// Appendix A credentials (Pusher docs).
const app = { key: '278d425bdf160c739803', secret: '7ad3773142a6692b25b8' };
const TS = 1353088179;
const BODY = '{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}';

describe('Appendix A vectors', () => {
  it('body MD5', () => {
    expect(md5Hex(BODY)).toBe('ec365a775a4cd0599faeb73354201b6f');
    expect(md5Hex(Buffer.from(BODY))).toBe('ec365a775a4cd0599faeb73354201b6f');
  });

  it('POST /apps/3/events string to sign and signature', () => {
    const signed = signRequest(app, { method: 'POST', path: '/apps/3/events', body: BODY, timestamp: TS });
    expect(signed.stringToSign).toBe(
      'POST\n/apps/3/events\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f',
    );
    expect(signed.signature).toBe('da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c');
    expect(hmacSha256Hex(app.secret, signed.stringToSign)).toBe(signed.signature);
  });

  it('GET /apps/3/channels with filter_by_prefix and info', () => {
    const signed = signRequest(app, {
      method: 'GET',
      path: '/apps/3/channels',
      params: { info: 'user_count', filter_by_prefix: 'presence-' },
      timestamp: TS,
    });
    expect(signed.stringToSign).toBe(
      'GET\n/apps/3/channels\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&filter_by_prefix=presence-&info=user_count',
    );
    expect(signed.signature).toBe('16819168891cb5dfd72b5c7a5d3d602605b26c6ba1930033b5e2eeeb65010291');
    expect(signed.params.body_md5).toBeUndefined();
  });

  it('private channel auth', () => {
    expect(channelStringToSign('1234.1234', 'private-foobar')).toBe('1234.1234:private-foobar');
    expect(signChannel(app, '1234.1234', 'private-foobar')).toBe(
      '278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4',
    );
  });

  it('presence channel auth signs channel_data verbatim', () => {
    const channelData = '{"user_id":10,"user_info":{"name":"Mr. Channels"}}';
    expect(signChannel(app, '1234.1234', 'presence-foobar', channelData)).toBe(
      '278d425bdf160c739803:31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80',
    );
    // The docs' printed value belongs to the old "Mr. Pusher" payload, not this one.
    expect(signChannel(app, '1234.1234', 'presence-foobar', channelData)).not.toContain('afaed369');
  });

  it('user signin auth', () => {
    expect(signUser(app, '1234.1234', '{"id":"12345"}')).toBe(
      '278d425bdf160c739803:4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba',
    );
  });
});

describe('channel auth verification', () => {
  const good = '278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4';
  it('accepts the exact string only', () => {
    expect(verifyChannelAuth(app, '1234.1234', 'private-foobar', good)).toBe(true);
    expect(verifyChannelAuth(app, '1234.1235', 'private-foobar', good)).toBe(false);
    expect(verifyChannelAuth(app, '1234.1234', 'private-foobaz', good)).toBe(false);
    // Right digest but a foreign key prefix: the whole string is compared.
    expect(verifyChannelAuth(app, '1234.1234', 'private-foobar', good.replace('278d', '278e'))).toBe(false);
    expect(verifyChannelAuth(app, '1234.1234', 'private-foobar', good.split(':')[1] ?? '')).toBe(false);
    expect(verifyChannelAuth(app, '1234.1234', 'private-foobar', '')).toBe(false);
  });
  it('presence: a re-serialized channel_data fails', () => {
    const sent = '{"user_id":10,"user_info":{"name":"Mr. Channels"}}';
    const auth = signChannel(app, '1.2', 'presence-x', sent);
    expect(verifyChannelAuth(app, '1.2', 'presence-x', auth, sent)).toBe(true);
    expect(verifyChannelAuth(app, '1.2', 'presence-x', auth, '{"user_id": 10,"user_info":{"name":"Mr. Channels"}}')).toBe(false);
    expect(verifyChannelAuth(app, '1.2', 'presence-x', auth)).toBe(false);
  });
  it('user auth', () => {
    const auth = signUser(app, '1.2', '{"id":"7"}');
    expect(verifyUserAuth(app, '1.2', '{"id":"7"}', auth)).toBe(true);
    expect(verifyUserAuth(app, '1.2', '{"id":"8"}', auth)).toBe(false);
  });
  it('safeEqual', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('HTTP request verification', () => {
  const base = { method: 'POST', path: '/apps/3/events', rawBody: BODY, nowSeconds: TS };
  const signedParams = signRequest(app, { method: 'POST', path: '/apps/3/events', body: BODY, timestamp: TS }).params;

  it('accepts the Appendix request', () => {
    expect(verifyRequest(app, { ...base, params: signedParams })).toEqual({ ok: true });
  });

  it('accepts it through a URL-encoded query string, keys in any case', () => {
    const signed = signRequest(app, {
      method: 'GET',
      path: '/apps/3/channels',
      params: { filter_by_prefix: 'presence-', info: 'user_count,subscription_count' },
      timestamp: TS,
    });
    expect(signed.queryString).toContain('info=user_count%2Csubscription_count');
    const params = parseQueryString(signed.queryString.replace('auth_key=', 'AUTH_KEY='));
    expect(verifyRequest(app, { method: 'get', path: '/apps/3/channels', params, nowSeconds: TS })).toEqual({ ok: true });
  });

  it('rejects a tampered body even with the client-claimed body_md5', () => {
    const tampered = BODY.replace('foo', 'bar');
    expect(verifyRequest(app, { ...base, rawBody: tampered, params: signedParams })).toEqual({
      ok: false,
      reason: 'body_md5 does not match the request body',
    });
  });

  it('rejects a missing body_md5 when there is a body', () => {
    const { body_md5: _omit, ...rest } = signedParams;
    expect(verifyRequest(app, { ...base, params: rest })).toEqual({ ok: false, reason: 'Missing body_md5 for a request with a body' });
  });

  it('enforces the timestamp window both ways (default 600 s)', () => {
    expect(verifyRequest(app, { ...base, params: signedParams, nowSeconds: TS + 600 }).ok).toBe(true);
    expect(verifyRequest(app, { ...base, params: signedParams, nowSeconds: TS - 600 }).ok).toBe(true);
    const late = verifyRequest(app, { ...base, params: signedParams, nowSeconds: TS + 601 });
    expect(late.ok).toBe(false);
    expect(late.ok ? '' : late.reason).toMatch(/^Timestamp expired: given timestamp 1353088179 is not within 600s/);
    expect(verifyRequest(app, { ...base, params: signedParams, nowSeconds: TS - 601 }).ok).toBe(false);
    expect(verifyRequest(app, { ...base, params: signedParams, nowSeconds: TS + 1000, windowSeconds: 1000 }).ok).toBe(true);
  });

  it('rejects a wrong auth_key, a wrong secret, a wrong path or method, extra params', () => {
    const other = signRequest({ key: app.key, secret: 'nope' }, { method: 'POST', path: '/apps/3/events', body: BODY, timestamp: TS });
    expect(verifyRequest(app, { ...base, params: other.params })).toEqual({ ok: false, reason: 'Invalid signature' });
    expect(verifyRequest(app, { ...base, params: { ...signedParams, auth_key: 'other' } })).toEqual({
      ok: false,
      reason: 'Invalid auth_key for this app',
    });
    expect(verifyRequest(app, { ...base, path: '/apps/4/events', params: signedParams }).ok).toBe(false);
    expect(verifyRequest(app, { ...base, method: 'PUT', params: signedParams }).ok).toBe(false);
    expect(verifyRequest(app, { ...base, params: { ...signedParams, info: 'user_count' } }).ok).toBe(false);
    const { auth_signature: _sig, ...unsigned } = signedParams;
    expect(verifyRequest(app, { ...base, params: unsigned })).toEqual({ ok: false, reason: 'Missing auth_signature' });
    const { auth_timestamp: _ts, ...noTs } = signedParams;
    expect(verifyRequest(app, { ...base, params: noTs })).toEqual({ ok: false, reason: 'Missing or invalid auth_timestamp' });
  });

  it('string to sign: sorted, lowercased keys, auth_signature dropped, values raw', () => {
    expect(requestStringToSign('get', '/p', { B: '2', a: 'x y', auth_signature: 'zz' })).toBe('GET\n/p\na=x y&b=2');
    expect(parseQueryString('a=x+y&b=%2C&b=3')).toEqual({ a: 'x y', b: ',,3' });
  });
});
