// What travels on the bus and sits in Redis, validated on the way in: Redis is shared
// infrastructure, and nothing read from it becomes an object by its shape alone.
import { z } from 'zod';
import type { PresenceMember } from '../protocol.js';

const MAX_FRAME = 256 * 1024;

export const busMessage = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('frame'),
    from: z.string().max(64),
    channel: z.string().min(1).max(200),
    frame: z.string().max(MAX_FRAME),
    except: z.string().max(64).optional(),
  }),
  z.object({ t: z.literal('terminate'), from: z.string().max(64), user: z.string().min(1).max(200) }),
]);
export type BusMessage = z.infer<typeof busMessage>;

export function parseBusMessage(raw: string): BusMessage | undefined {
  try {
    const parsed = busMessage.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const storedMember = z.object({ userId: z.union([z.string(), z.number()]), userInfo: z.unknown().optional() });

export function encodeMember(member: PresenceMember): string {
  return JSON.stringify({ userId: member.userId, ...(member.userInfo !== undefined ? { userInfo: member.userInfo } : {}) });
}

export function decodeMember(key: string, raw: string): PresenceMember | undefined {
  try {
    const parsed = storedMember.safeParse(JSON.parse(raw));
    if (!parsed.success || String(parsed.data.userId) !== key) return undefined;
    return { key, userId: parsed.data.userId, ...(parsed.data.userInfo !== undefined ? { userInfo: parsed.data.userInfo } : {}) };
  } catch {
    return undefined;
  }
}

/** HGETALL as a flat [field, value, field, value, ...] list (what EVAL returns) into members. */
export function decodeMemberList(flat: unknown): PresenceMember[] {
  if (!Array.isArray(flat)) return [];
  const members: PresenceMember[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const key = flat[i];
    const value = flat[i + 1];
    if (typeof key !== 'string' || typeof value !== 'string') continue;
    const member = decodeMember(key, value);
    if (member) members.push(member);
  }
  return members;
}
