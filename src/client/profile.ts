// The client profile saved by `chatctl login`: server, token and user, in a conf file with
// mode 0600 (CHATCTL_CONFIG_DIR overrides its folder). Also resolves which server and token a
// client command uses: flag, then environment, then the profile.
import { mkdirSync } from 'node:fs';
import Conf from 'conf';
import type { Account } from './api.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8000';

export interface Profile {
  server?: string;
  token?: string;
  user?: Account;
  /** `chatctl chat` settings (chat-settings.ts); kept across logins. */
  chat?: unknown;
}

/** The profile file exists but cannot be read (not JSON, not readable). */
export class ProfileError extends Error {}

export function openProfileFile(env: NodeJS.ProcessEnv = process.env): Conf<Profile> {
  const dir = env.CHATCTL_CONFIG_DIR?.trim() || undefined;
  try {
    if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
    return new Conf<Profile>({
      projectName: 'chatctl',
      projectSuffix: '',
      configName: 'chatctl',
      ...(dir ? { cwd: dir } : {}),
      configFileMode: 0o600,
      accessPropertiesByDotNotation: false,
    });
  } catch (error) {
    const where = dir ?? 'the chatctl config folder';
    throw new ProfileError(`cannot read the saved profile in ${where} (${(error as Error).message}); delete it and run chatctl login again`);
  }
}

/** Where the profile lives (whether or not it exists yet). */
export function profilePath(env: NodeJS.ProcessEnv = process.env): string {
  return openProfileFile(env).path;
}

export function readProfile(env: NodeJS.ProcessEnv = process.env): Profile {
  const conf = openProfileFile(env);
  try {
    const { server, token, user } = conf.store;
    return {
      ...(typeof server === 'string' ? { server } : {}),
      ...(typeof token === 'string' ? { token } : {}),
      ...(user && typeof user === 'object' ? { user } : {}),
    };
  } catch (error) {
    throw new ProfileError(`cannot read the saved profile ${conf.path} (${(error as Error).message}); delete it and run chatctl login again`);
  }
}

export function saveProfile(profile: Required<Pick<Profile, 'server' | 'token' | 'user'>>, env: NodeJS.ProcessEnv = process.env): string {
  const conf = openProfileFile(env);
  const chat = conf.get('chat');
  conf.store = { server: profile.server, token: profile.token, user: profile.user, ...(chat === undefined ? {} : { chat }) };
  return conf.path;
}

/** Forgets the token (and the user it belonged to); keeps the server as the default for the next login. */
export function forgetToken(env: NodeJS.ProcessEnv = process.env): void {
  const conf = openProfileFile(env);
  if (conf.has('token') || conf.has('user')) {
    conf.delete('token');
    conf.delete('user');
  }
}

/** `http://host:8000/` and `http://host:8000` are the same server. */
export function normalizeServer(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

export type Source = 'flag' | 'env' | 'profile' | 'default';

export interface Connection {
  server: string;
  serverSource: Source;
  token?: string;
  tokenSource?: Exclude<Source, 'default'>;
  profile: Profile;
}

/**
 * Server: flag, CHATCTL_SERVER, the profile, then http://127.0.0.1:8000.
 * Token: flag, CHATCTL_TOKEN, then the profile's — only when the server is the profile's own,
 * so a saved token is never sent to another server named with --server.
 */
export function resolveConnection(
  flags: { server?: string; token?: string },
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  const profile = readProfile(env);
  const envServer = env.CHATCTL_SERVER?.trim() || undefined;
  const envToken = env.CHATCTL_TOKEN?.trim() || undefined;
  let server: string;
  let serverSource: Source;
  if (flags.server !== undefined) [server, serverSource] = [flags.server, 'flag'];
  else if (envServer) [server, serverSource] = [envServer, 'env'];
  else if (profile.server) [server, serverSource] = [profile.server, 'profile'];
  else [server, serverSource] = [DEFAULT_SERVER, 'default'];
  server = normalizeServer(server);

  const connection: Connection = { server, serverSource, profile };
  if (flags.token !== undefined) Object.assign(connection, { token: flags.token, tokenSource: 'flag' });
  else if (envToken) Object.assign(connection, { token: envToken, tokenSource: 'env' });
  else if (profile.token && profile.server && normalizeServer(profile.server) === server) {
    Object.assign(connection, { token: profile.token, tokenSource: 'profile' });
  }
  return connection;
}
