// Property-based fuzz over every HTTP route (issue 7): whatever a client sends, the server
// answers below 500, with the JSON envelope when it answers JSON, stores a message only for a
// 2xx send, never turns a body value into an attachment, stays up, and its heap comes back.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, rawHttp, startFuzzServer, type FuzzServer } from './harness.js';
import { requests, type Actors, type FuzzRequest } from './http-arbitraries.js';

/** Fixed in CI; FUZZ_SEED=n explores another sequence (the failing seed is printed). */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = 3000;
const TIME_LIMIT_MS = 20_000;
/** Heap after GC may end this much above where it started (caches, JIT, statement caches). */
const HEAP_SLACK_BYTES = 8 * 1024 * 1024;

/** The failing request in one line (the default report prints every byte of it). */
function briefReport(details: fc.RunDetails<[FuzzRequest]>): void {
  if (!details.failed) return;
  const request = details.counterexample?.[0];
  throw new Error(`HTTP fuzz failed after ${details.numRuns} runs (seed ${details.seed}): ${request?.describe ?? '?'}\n${String(details.errorInstance)}`);
}

describe('HTTP fuzz', () => {
  let server: FuzzServer;
  let actors: Actors;

  beforeAll(async () => {
    server = await startFuzzServer();
    const [ann, bob, eve] = [await register(server.url, 'Ann'), await register(server.url, 'Bob'), await register(server.url, 'Eve')];
    const start = async (token: string, userId: number) => {
      const res = await fetch(`${server.url}/api/chat/conversations/start`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: userId }),
      });
      return ((await res.json()) as { data: { conversation_id: number } }).data.conversation_id;
    };
    const conversationId = await start(ann.token, bob.id);
    const otherConversationId = await start(bob.token, eve.id);
    const form = new FormData();
    form.append('type', 'file');
    form.append('file', new Blob(['attached']), 'a.txt');
    const upload = await fetch(`${server.url}/api/chat/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ann.token}` },
      body: form,
    });
    const attachmentMessageId = ((await upload.json()) as { data: { id: number } }).data.id;
    actors = { port: server.port, conversationId, otherConversationId, attachmentMessageId, tokens: { participant: ann.token, other: bob.token, stranger: eve.token } };
  }, 30_000);
  afterAll(() => server?.stop());

  it('no 5xx, envelopes only, no message without a 2xx, no attachment the server did not create, heap back near its start', async () => {
    // Warm up every code path once so the baseline includes what is allocated for good.
    await fc.assert(fc.asyncProperty(requests(actors), async (r) => void (await rawHttp(server.port, r.head, r.body))), { seed: SEED + 1, numRuns: 60 });
    const heapBefore = await server.heapUsed();
    const messagesBefore = server.messageCount();
    let created = 0;
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(requests(actors), async (request) => {
        const res = await rawHttp(server.port, request.head, request.body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const context = `${request.describe} → ${res.status} ${res.body.toString('utf8').slice(0, 300)}`;
        expect(res.status, context).toBeGreaterThanOrEqual(100);
        expect(res.status, context).toBeLessThan(500);
        // The Pusher HTTP API (/apps/…) answers in Pusher's own error shape; everything else is the chat's envelope.
        if ((res.headers['content-type'] ?? '').startsWith('application/json') && res.status >= 400 && !request.pusherApi && res.body.length > 0) {
          const body = JSON.parse(res.body.toString('utf8')) as { status: unknown; message: unknown };
          expect({ status: body.status, message: typeof body.message }, context).toEqual({ status: false, message: 'string' });
        }
        expect(res.body.toString('latin1'), context).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
        if (request.isSend && res.status === 201 && res.headers['idempotent-replayed'] !== 'true') created += 1;
        expect(server.exitCode(), context).toBeNull();
      }),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, endOnFailure: true, reporter: briefReport },
    );

    expect(server.messageCount() - messagesBefore).toBe(created);
    for (const name of server.attachmentNames()) expect(name).toMatch(/^[0-9a-f]{32}$/);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const heapAfter = await server.heapUsed();
    expect(heapAfter - heapBefore, `heap ${heapBefore} → ${heapAfter}; statuses ${JSON.stringify([...statuses])}`).toBeLessThan(HEAP_SLACK_BYTES);
    expect(server.stderr()).not.toMatch(/^error:/m);
  }, 120_000);
});
