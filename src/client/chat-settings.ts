// `chatctl chat` settings kept in the profile under `chat`: the notification mode and the muted
// conversations of each account (conversation ids belong to one server and one user).
import { z } from 'zod';
import { openProfileFile } from './profile.js';

export const NOTIFY_MODES = ['bell', 'desktop', 'off'] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

const settingsSchema = z.object({
  notify: z.enum(NOTIFY_MODES).optional().catch(undefined),
  muted: z.record(z.string().max(2200), z.array(z.number().int().positive()).max(10_000)).catch({}),
});
export type ChatSettings = z.infer<typeof settingsSchema>;

/** Whose muted list: one per server and user. */
export const accountKey = (server: string, userId: number) => `${userId}@${server}`;

type ProfileFile = ReturnType<typeof openProfileFile>;

function settingsIn(conf: ProfileFile): ChatSettings {
  const parsed = settingsSchema.safeParse(conf.get('chat') ?? {});
  return parsed.success ? parsed.data : { muted: {} };
}

/** The saved settings; a damaged entry reads as none (never an error: they are only preferences). */
export function readChatSettings(env: NodeJS.ProcessEnv = process.env): ChatSettings {
  return settingsIn(openProfileFile(env));
}

export function saveMuted(server: string, userId: number, ids: number[], env: NodeJS.ProcessEnv = process.env): void {
  const conf = openProfileFile(env);
  const current = settingsIn(conf);
  conf.set('chat', { ...current, muted: { ...current.muted, [accountKey(server, userId)]: [...new Set(ids)] } });
}

export function saveNotify(mode: NotifyMode, env: NodeJS.ProcessEnv = process.env): void {
  const conf = openProfileFile(env);
  conf.set('chat', { ...settingsIn(conf), notify: mode });
}
