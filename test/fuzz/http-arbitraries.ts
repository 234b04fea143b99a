// fast-check generators for hostile HTTP requests against every route of contract §4:
// odd request lines, Host / Content-Type / Content-Length / boundaries, bad UTF-8, wrong types,
// deep JSON and internal-looking objects in bodies.
import fc from 'fast-check';

export interface Actors {
  port: number;
  conversationId: number;
  otherConversationId: number;
  attachmentMessageId: number;
  tokens: { participant: string; other: string; stranger: string };
}

export interface FuzzRequest {
  head: Buffer;
  body: Buffer;
  /** True when this is POST /api/chat/conversations/{id}/messages (a 201 may store a message). */
  isSend: boolean;
  /** The embedded server's Pusher HTTP API (its own error shape). */
  pusherApi: boolean;
  describe: string;
}

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** Strings that are not valid UTF-8 once sent as bytes. */
const badUtf8 = fc.constantFrom(
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xc3]),
  Buffer.from([0xed, 0xa0, 0x80]), // a lone surrogate, UTF-8 encoded
  Buffer.from([0xe2, 0x28, 0xa1]),
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
  Buffer.from('caf\xe9', 'latin1'),
);

const weirdText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e', '../../etc/passwd', '%00', '%', '%zz', '1e3', '-1', '0', '99999999999999999999', '١٢', 'null', '[]', '{}', '<script>'),
);

const idSegment = (a: Actors) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(String(a.conversationId), String(a.otherConversationId)) },
    { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1.5', '1e3', 'abc', '%00', '..%2F..', '99999999999999999999', '%E2%80%AE', String(a.attachmentMessageId)) },
    { weight: 1, arbitrary: weirdText.map(encodeURIComponent) },
  );

const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('limit', 'before_id', 'after_id', 'search', 'socket_id', 'channel_name', 'limit[]', 'limit[a]', '__proto__', 'constructor[prototype][x]', 'page'),
        fc.string({ maxLength: 8 }).map(encodeURIComponent),
      ),
      fc.oneof(
        fc.constantFrom('1', '0', '-5', '50', '200', '201', '1e2', '', 'x', '1.5', '999999999999999999', '%', '%ff', '%00'),
        weirdText.map(encodeURIComponent),
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

const routes = (a: Actors) =>
  fc.oneof(
    fc.constant({ method: 'GET', path: '/api/user' }),
    fc.constant({ method: 'GET', path: '/api/users' }),
    fc.constant({ method: 'GET', path: '/api/chat/conversations' }),
    fc.constant({ method: 'POST', path: '/api/chat/conversations/start' }),
    idSegment(a).map((id) => ({ method: 'GET', path: `/api/chat/conversations/${id}/messages` })),
    { weight: 4, arbitrary: idSegment(a).map((id) => ({ method: 'POST', path: `/api/chat/conversations/${id}/messages` })) },
    idSegment(a).map((id) => ({ method: 'POST', path: `/api/chat/conversations/${id}/read` })),
    idSegment(a).map((id) => ({ method: 'GET', path: `/api/chat/messages/${id}/attachment` })),
    fc.constantFrom({ method: 'POST', path: '/broadcasting/auth' }, { method: 'POST', path: '/api/broadcasting/auth' }),
    fc.constantFrom({ method: 'POST', path: '/api/login' }, { method: 'POST', path: '/api/register' }, { method: 'POST', path: '/api/logout' }),
    fc.constantFrom({ method: 'GET', path: '/api/chat/realtime' }, { method: 'GET', path: '/health' }),
    fc.constantFrom({ method: 'POST', path: '/apps/1/events' }, { method: 'GET', path: '/apps/1/channels' }, { method: 'GET', path: '/app/key' }),
    // Raw bytes above ASCII on the request line (no spaces or line breaks: those only end the line).
    fc
      .uint8Array({ minLength: 1, maxLength: 12 })
      .map((u) => Buffer.from(u.filter((b) => b > 0x20 && b !== 0x7f)).toString('latin1'))
      .chain((raw) => fc.constantFrom({ method: 'GET', path: `/api/users?search=${raw}` }, { method: 'GET', path: `/api/chat/conversations/${raw}/messages` })),
    fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'BREW'), weirdText).map(([method, p]) => ({ method, path: `/${encodeURIComponent(p)}` })),
  );

const deepJson = fc.tuple(fc.integer({ min: 100, max: 50_000 }), fc.constantFrom('array', 'object', 'message')).map(([depth, kind]) => {
  if (kind === 'array') return '['.repeat(depth) + ']'.repeat(depth);
  if (kind === 'object') return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  return `{"type":"text","message":${'['.repeat(depth)}"x"${']'.repeat(depth)}}`;
});

/** Values shaped like the server's own objects (an upload record, prototypes, ids). */
const internalLooking = fc.record({
  type: fc.constantFrom('file', 'image', 'text', 'uploaded-file'),
  message: fc.oneof(fc.constant('hi'), fc.constant(undefined)),
  file: fc.record({
    kind: fc.constant('uploaded-file'),
    storedName: fc.constantFrom('../pusher-app.json', '.', '..', '/etc/passwd', 'chat.sqlite', 'x'.repeat(32), '0123456789abcdef0123456789abcdef'),
    path: fc.constantFrom('/etc/passwd', '../pusher-app.json'),
    originalName: fc.constantFrom('a.txt', '../../x'),
    declaredMime: fc.constant('text/plain'),
    imageMime: fc.constantFrom(null, 'image/png'),
    size: fc.oneof(fc.constant(1e12), fc.constant(-1), fc.integer()),
    sha256: fc.constant('0'.repeat(64)),
  }),
});

const wrongTypes = fc.record(
  {
    message: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 30 }), fc.constant('x'.repeat(70_000))),
    type: fc.oneof(fc.constantFrom('text', 'image', 'file', 'TEXT', '', 'video'), fc.jsonValue({ maxDepth: 1 })),
    user_id: fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 })),
    email: fc.oneof(fc.emailAddress(), fc.jsonValue({ maxDepth: 1 })),
    password: fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 })),
    name: fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 })),
    socket_id: fc.oneof(fc.constantFrom('1.1', '1234.5678', 'a.b', ''), fc.jsonValue({ maxDepth: 1 })),
    channel_name: fc.oneof(fc.constantFrom('private-conversation.1', 'presence-conversation.1', 'private-user.1', '#x'), fc.jsonValue({ maxDepth: 1 })),
    file: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);

function multipart(boundary: string, parts: { name: string; filename?: string; type?: string; content: Buffer }[], truncate: boolean): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    chunks.push(bytes(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}\r\n`), part.content, bytes('\r\n'));
  }
  if (!truncate) chunks.push(bytes(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const multipartBody = fc
  .record({
    boundary: fc.constantFrom('zz', 'X-BOUNDARY', '----x', 'a'.repeat(70)),
    declaredBoundary: fc.constantFrom('same', 'other', 'none', 'quoted', 'empty'),
    parts: fc.array(
      fc.record({
        name: fc.constantFrom('file', 'type', 'message', 'file[kind]', 'files', ''),
        filename: fc.option(fc.constantFrom('a.png', '../../etc/passwd', '', '\u202egnp.exe', 'x'.repeat(300)), { nil: undefined }),
        type: fc.option(fc.constantFrom('image/png', 'text/plain', 'application/octet-stream', ''), { nil: undefined }),
        content: fc.oneof(
          fc.constantFrom(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), bytes('image'), bytes('file'), bytes('hello')),
          fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u)),
        ),
      }),
      { maxLength: 4 },
    ),
    truncate: fc.boolean(),
  })
  .map(({ boundary, declaredBoundary, parts, truncate }) => {
    const declared = { same: `; boundary=${boundary}`, other: '; boundary=nope', none: '', quoted: `; boundary="${boundary}"`, empty: '; boundary=' }[declaredBoundary];
    return { contentType: `multipart/form-data${declared}`, body: multipart(boundary, parts, truncate) };
  });

const bodies = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('text'), message: fc.string({ minLength: 1, maxLength: 30 }) }).map((v) => ({ contentType: 'application/json', body: bytes(JSON.stringify(v)) })) },
  fc.constant({ contentType: undefined as string | undefined, body: Buffer.alloc(0) }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ contentType: 'application/json', body: bytes(JSON.stringify(v) ?? 'null') })),
  { weight: 3, arbitrary: wrongTypes.map((v) => ({ contentType: 'application/json', body: bytes(JSON.stringify(v)) })) },
  { weight: 2, arbitrary: internalLooking.map((v) => ({
      contentType: 'application/json',
      body: bytes(`{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},${JSON.stringify(v).slice(1)}`),
    })) },
  internalLooking.map((v) => ({
    contentType: 'application/x-www-form-urlencoded',
    body: bytes(`type=${v.type}&file[kind]=uploaded-file&file[storedName]=${encodeURIComponent(v.file.storedName)}&file[size]=${v.file.size}&message=hi`),
  })),
  wrongTypes.map((v) => ({ contentType: 'application/x-www-form-urlencoded', body: bytes(new URLSearchParams(Object.entries(v).map(([k, x]): [string, string] => [k, JSON.stringify(x) ?? ''])).toString()) })),
  fc.constantFrom('message[]=a&message[]=b&type=text', 'message[a]=1&type=text', '__proto__[x]=1&message=a&type=text', 'message=%ff%fe&type=text', 'type=text&message=' + 'x'.repeat(5000)).map((b) => ({
    contentType: 'application/x-www-form-urlencoded',
    body: bytes(b),
  })),
  deepJson.map((text) => ({ contentType: 'application/json', body: bytes(text) })),
  fc.tuple(badUtf8, fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', undefined)).map(([b, contentType]) => ({
    contentType,
    body: Buffer.concat([bytes('{"type":"text","message":"'), b, bytes('"}')]),
  })),
  { weight: 3, arbitrary: multipartBody },
  fc.constantFrom('{"type":"text","message":"hi"', 'not json', '{"type":"text","message":"hi"}garbage', '\ufeff{"type":"text","message":"bom"}', '[1,2]', '"str"', 'null', '1').map((b) => ({ contentType: 'application/json', body: bytes(b) })),
);

const contentTypeOverride = fc.option(
  fc.constantFrom(
    'application/json; charset=utf-16',
    'application/json; charset=latin1',
    'multipart/form-data; boundary=zz',
    'multipart/form-data',
    'text/plain',
    'application/xml',
    'application/json, text/html',
    '',
    ';;;',
    'application/x-www-form-urlencoded; charset=binary',
    'APPLICATION/JSON',
  ),
  { freq: 4, nil: undefined },
);

const hostHeader = fc.oneof(
  { weight: 6, arbitrary: fc.constant('ok') },
  { weight: 3, arbitrary: fc.constantFrom('missing', '[', 'evil.example:8443', '', 'a b', 'localhost:99999', '[::1]:80', '::1', 'h'.repeat(3000), 'x\u00e9.example', '127.0.0.1:0', 'example.com:abc', 'twice') },
);

const contentLength = fc.oneof(
  { weight: 8, arbitrary: fc.constant('exact') },
  { weight: 2, arbitrary: fc.constantFrom('abc', '-1', '1e3', 'duplicate', 'shorter', 'zero', 'plus', 'spaced', 'chunked', 'chunked-and-length', 'bad-chunk') },
);

const auth = fc.constantFrom('participant', 'participant', 'participant', 'other', 'stranger', 'none', 'garbage');

const extraHeaders = fc.array(
  fc.oneof(
    fc.constantFrom(['Idempotency-Key', 'k1'], ['Idempotency-Key', ''], ['Idempotency-Key', 'x'.repeat(300)], ['X-Socket-ID', '1.1'], ['X-Socket-ID', 'nope']),
    fc.constantFrom(['Accept-Language', 'ar'], ['Accept', 'text/html'], ['Content-Encoding', 'gzip'], ['Expect', '100-continue'], ['X-Forwarded-For', '1.2.3.4'], ['Origin', 'http://evil.example']),
  ),
  { maxLength: 3 },
);

export function requests(a: Actors): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({ route: routes(a), query: queryString, body: bodies, contentType: contentTypeOverride, host: hostHeader, length: contentLength, auth, extra: extraHeaders, http10: fc.boolean() })
    .map(({ route, query, body, contentType, host, length, auth: who, extra, http10 }) => {
      const headers: string[] = [];
      const version = http10 && host === 'missing' ? 'HTTP/1.0' : 'HTTP/1.1';
      if (host === 'ok') headers.push(`Host: 127.0.0.1:${a.port}`);
      else if (host === 'twice') headers.push(`Host: 127.0.0.1:${a.port}`, 'Host: evil.example');
      else if (host !== 'missing') headers.push(`Host: ${host}`);
      headers.push('Connection: close', 'Accept: application/json');
      const token = { participant: a.tokens.participant, other: a.tokens.other, stranger: a.tokens.stranger, none: undefined, garbage: 'garbage|token' }[who];
      // Logging out would revoke the tokens the rest of the run needs.
      if (token && !(route.path === '/api/logout' && who !== 'garbage')) headers.push(`Authorization: Bearer ${token}`);
      const type = contentType ?? body.contentType;
      if (type !== undefined) headers.push(`Content-Type: ${type}`);
      for (const [name, value] of extra) headers.push(`${name}: ${value}`);
      let payload = body.body;
      switch (length) {
        case 'exact': headers.push(`Content-Length: ${payload.length}`); break;
        case 'duplicate': headers.push(`Content-Length: ${payload.length}`, `Content-Length: ${payload.length + 1}`); break;
        case 'shorter': headers.push(`Content-Length: ${Math.floor(payload.length / 2)}`); break;
        case 'zero': headers.push('Content-Length: 0'); break;
        // Never more than is sent: a client that promises more bytes than it sends just waits.
        case 'plus': headers.push(`Content-Length: +${payload.length}`); break;
        case 'spaced': headers.push(`Content-Length:  ${payload.length} `); break;
        case 'chunked': headers.push('Transfer-Encoding: chunked'); payload = chunked(payload); break;
        case 'chunked-and-length': headers.push('Transfer-Encoding: chunked', `Content-Length: ${payload.length}`); payload = chunked(payload); break;
        case 'bad-chunk': headers.push('Transfer-Encoding: chunked'); payload = Buffer.concat([bytes('zz\r\n'), payload, bytes('\r\n0\r\n\r\n')]); break;
        default: headers.push(`Content-Length: ${length}`); break;
      }
      const target = `${route.path}${query}`;
      const head = Buffer.concat([bytes(`${route.method} `), Buffer.from(target, 'latin1'), bytes(` ${version}\r\n${headers.join('\r\n')}\r\n\r\n`)]);
      const isSend = route.method === 'POST' && /^\/api\/chat\/conversations\/[^/]+\/messages$/.test(route.path);
      return { head, body: payload, isSend, pusherApi: route.path.startsWith('/apps/'), describe: `${route.method} ${target.slice(0, 120)} host=${host} length=${length} auth=${who} type=${type ?? '-'}` };
    });
}

function chunked(payload: Buffer): Buffer {
  if (payload.length === 0) return bytes('0\r\n\r\n');
  return Buffer.concat([bytes(`${payload.length.toString(16)}\r\n`), payload, bytes('\r\n0\r\n\r\n')]);
}
