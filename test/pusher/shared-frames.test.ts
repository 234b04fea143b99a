// Fan-out frames are encoded once per publish and the same bytes written to every socket: real
// ws sockets must still get each event exactly, in order, interleaved with their own replies.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { SHARED_FRAMES_AVAILABLE, SharedFrames } from '../../src/server/pusher/shared-frames.js';

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function connectedPairs(n: number): Promise<{ server: WebSocket[]; clients: WebSocket[] }> {
  const httpServer = http.createServer();
  const wss = new WebSocketServer({ server: httpServer });
  servers.push(wss, httpServer);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const server: WebSocket[] = [];
  wss.on('connection', (ws) => server.push(ws));
  const clients = await Promise.all(
    Array.from({ length: n }, () => new Promise<WebSocket>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      ws.on('open', () => resolve(ws));
    })),
  );
  while (server.length < n) await new Promise((r) => setTimeout(r, 5));
  return { server, clients };
}

function received(ws: WebSocket, count: number): Promise<string[]> {
  const texts: string[] = [];
  return new Promise((resolve) => {
    ws.on('message', (data, isBinary) => {
      expect(isBinary).toBe(false);
      texts.push(String(data));
      if (texts.length === count) resolve(texts);
    });
  });
}

describe('shared frames', () => {
  it('uses ws framing internals that exist in the installed ws', () => {
    expect(SHARED_FRAMES_AVAILABLE).toBe(true);
  });

  it('delivers one framed copy to many sockets exactly (multi-byte text, 126- and 64K-length headers), in order', async () => {
    const { server, clients } = await connectedPairs(5);
    const frames = new SharedFrames();
    const texts = ['{"event":"a","data":"héllo ✓ 👋"}', 'x'.repeat(200), `{"big":"${'é'.repeat(40_000)}"}`, '{"event":"d"}'];
    const arrivals = clients.map((ws) => received(ws, texts.length + 1));
    for (const text of texts) {
      for (const ws of server) frames.send(ws, text);
    }
    server[2]!.send('own reply'); // a socket's own frame after the shared ones keeps its place
    for (const ws of server) if (ws !== server[2]) frames.send(ws, 'last');
    const got = await Promise.all(arrivals);
    for (const [i, list] of got.entries()) {
      expect(list).toEqual([...texts, i === 2 ? 'own reply' : 'last']);
    }
    for (const ws of clients) ws.close();
  });
});
