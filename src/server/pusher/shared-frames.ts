/**
 * Fan-out without per-socket work: a channel broadcast hands the same frame string to every
 * subscriber, and ws would UTF-8 encode it (and measure it) once per socket. Here the text is
 * encoded and framed (WebSocket header + payload, unmasked as server frames are) once, and the
 * same buffer is written to every socket.
 */
import * as wsModule from 'ws';
import type { WebSocket } from 'ws';

/** The part of ws's (untyped) Sender this relies on; checked at run time, with ws.send as fallback. */
interface WsSender {
  _state: number;
  sendFrame(list: Buffer[]): void;
}
interface WsSenderClass {
  frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[];
}

const Sender = (wsModule as unknown as { Sender?: WsSenderClass }).Sender;
/** False if a ws upgrade moved the internals this uses (every send then goes through ws.send). */
export const SHARED_FRAMES_AVAILABLE = typeof Sender?.frame === 'function';
const SENDER_IDLE = 0; // ws's DEFAULT state: not compressing nor reading a blob, frames go straight out
const TEXT_OPCODE = 1;

export class SharedFrames {
  private lastText: string | undefined;
  private lastFrame: Buffer[] = [];

  /** Sends `text` on `ws`, reusing the framed bytes of the previous call when the text is the same. */
  send(ws: WebSocket, text: string): void {
    const sender = (ws as unknown as { _sender?: WsSender | null })._sender;
    if (!SHARED_FRAMES_AVAILABLE || !Sender || !sender || sender._state !== SENDER_IDLE || typeof sender.sendFrame !== 'function') {
      ws.send(text);
      return;
    }
    // Same string object for every subscriber of one publish: identity makes this check O(1).
    if (text !== this.lastText) {
      const [header, payload] = Sender.frame(Buffer.from(text, 'utf8'), { fin: true, opcode: TEXT_OPCODE, mask: false, readOnly: true, rsv1: false });
      // Header and payload in one buffer: each socket then costs one plain write(), not cork + writev.
      this.lastFrame = [payload ? Buffer.concat([header as Buffer, payload]) : (header as Buffer)];
      this.lastText = text;
    }
    sender.sendFrame(this.lastFrame);
  }
}
