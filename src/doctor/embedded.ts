// The embedded Pusher server (BROADCAST_DRIVER=embedded): where its credentials come from, the
// credentials file's permissions, and how many connections the file-descriptor limit allows.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CREDENTIALS_FILE,
  readStoredCredentials as readCredentialsFile,
  type StoredCredentials,
} from '../server/broadcasting/embedded-credentials.js';
import { driverSetting, effectiveDriver } from './config.js';
import { configUnavailable, maskSecret, rawValue, type DoctorContext } from './context.js';
import { CREDENTIAL_VARIABLES } from './credentials.js';
import { cannotCreate } from './database.js';
import { fail, ok, skip, warn, type Check } from './types.js';

function notEmbedded(ctx: DoctorContext): string | undefined {
  const unavailable = configUnavailable(ctx);
  if (unavailable) return unavailable;
  const driver = effectiveDriver(ctx);
  if (!driver) return 'the broadcasting driver is invalid (see Configuration)';
  if (driver !== 'embedded') return `${driverSetting(ctx)}: the embedded server does not run`;
  return undefined;
}

export function credentialsFile(ctx: DoctorContext): string {
  return join(ctx.config!.dataDir, CREDENTIALS_FILE);
}

/** The stored credentials, `invalid` with a reason, or undefined when there is no file. Never creates one. */
export function readStoredCredentials(ctx: DoctorContext): StoredCredentials | { invalid: string } | undefined {
  const read = readCredentialsFile(ctx.config!.dataDir);
  if (read === undefined) return undefined;
  if ('credentials' in read) {
    ctx.secrets.add(read.credentials.secret);
    return read.credentials;
  }
  if (read.secret) ctx.secrets.add(read.secret);
  return { invalid: read.invalid };
}

/** PUSHER_APP_ID/KEY/SECRET all set: the embedded server uses them instead of the file. */
export function envCredentials(ctx: DoctorContext): StoredCredentials | undefined {
  const [id, key, secret] = CREDENTIAL_VARIABLES.map((name) => rawValue(ctx, name));
  return id && key && secret ? { id, key, secret } : undefined;
}

export const embeddedCredentialsCheck: Check = {
  id: 'embedded.credentials',
  category: 'embedded',
  title: 'App credentials',
  async run(ctx) {
    const why = notEmbedded(ctx);
    if (why) return skip(why);
    const file = credentialsFile(ctx);
    const fromEnv = envCredentials(ctx);
    if (fromEnv) return ok(`PUSHER_APP_ID/KEY/SECRET are set, so the embedded server uses them (app ${fromEnv.id}, key ${fromEnv.key}) instead of ${file}`);
    const stored = readStoredCredentials(ctx);
    if (stored === undefined) {
      const problem = cannotCreate(file);
      if (problem) return fail(`${problem}: chatctl serve cannot store the generated credentials`, 'set CHATCTL_DATA_DIR (or DB_DATABASE) to a writable folder');
      return ok(`not generated yet: chatctl serve creates ${file} (mode 0600) on first start`);
    }
    if ('invalid' in stored) {
      if (stored.invalid === 'is not valid JSON' || stored.invalid.startsWith('cannot be read')) {
        return fail(`${file} ${stored.invalid}: chatctl serve cannot start with it`, `delete ${file}; serve generates new credentials (clients fetch the new key from /api/chat/realtime)`);
      }
      return warn(`${file} ${stored.invalid}: chatctl serve will replace it with new credentials`, `delete ${file} to make that explicit; clients fetch the new key from /api/chat/realtime`);
    }
    return ok(`app ${stored.id}, key ${stored.key}, secret ${maskSecret(stored.secret)} in ${file}`);
  },
};

export const credentialsModeCheck: Check = {
  id: 'embedded.file-mode',
  category: 'embedded',
  title: 'Credentials file permissions',
  async run(ctx) {
    const why = notEmbedded(ctx);
    if (why) return skip(why);
    const file = credentialsFile(ctx);
    if (!existsSync(file)) return skip(`${file} does not exist yet`);
    if (process.platform === 'win32') return skip('file modes are not checked on Windows');
    const mode = statSync(file).mode & 0o777;
    const shown = `0${mode.toString(8).padStart(3, '0')}`;
    if ((mode & 0o077) !== 0) {
      return warn(`${file} has mode ${shown}: other users on this machine can read the secret`, `chmod 600 ${file}`);
    }
    return ok(`${file} has mode ${shown} (only its owner can read it)`);
  },
};

export const RECOMMENDED_OPEN_FILES = 4096;

/** The soft and hard "Max open files" of this process (Linux /proc/self/limits), or undefined. */
export function readOpenFileLimit(limitsText: string): { soft: number | 'unlimited'; hard: number | 'unlimited' } | undefined {
  const line = limitsText.split('\n').find((l) => l.startsWith('Max open files'));
  const match = line ? /^Max open files\s+(\S+)\s+(\S+)/.exec(line) : null;
  if (!match) return undefined;
  const parse = (v: string) => (v === 'unlimited' ? ('unlimited' as const) : Number(v));
  const soft = parse(match[1]!);
  const hard = parse(match[2]!);
  if (Number.isNaN(soft) || Number.isNaN(hard)) return undefined;
  return { soft, hard };
}

/**
 * How to raise the limit, for this user: anyone may raise the soft limit up to the hard one, but
 * only root raises the hard limit, so `ulimit -n 65536` fails for a user whose hard limit is low.
 */
export function fdLimitFix(limit: { soft: number | 'unlimited'; hard: number | 'unlimited' }, isRoot: boolean): string {
  const service = 'LimitNOFILE=65536 in its systemd unit (minfds for Supervisor)';
  if (isRoot) return `raise it to at least ${RECOMMENDED_OPEN_FILES}: ulimit -n 65536 before chatctl serve, or ${service}`;
  if (limit.hard !== 'unlimited' && limit.hard < RECOMMENDED_OPEN_FILES) {
    return `the hard limit is ${limit.hard} and only root can raise it (ulimit -n 65536 would fail): ask for "<user> hard nofile 65536" in /etc/security/limits.conf and log in again, or run chatctl serve under systemd with ${service}`;
  }
  const target = limit.hard === 'unlimited' ? 65536 : Math.min(limit.hard, 65536);
  return `raise it to at least ${RECOMMENDED_OPEN_FILES}: ulimit -n ${target} before chatctl serve (up to the hard limit ${limit.hard}, no root needed), or ${service}`;
}

export const fdLimitCheck: Check = {
  id: 'embedded.fd-limit',
  category: 'embedded',
  title: 'Open-file limit',
  async run(ctx) {
    const why = notEmbedded(ctx);
    if (why) return skip(why);
    if (process.platform !== 'linux') return skip(`not checked on ${process.platform} (run ulimit -n; each connection uses one file descriptor)`);
    let text: string;
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return skip('/proc/self/limits is not readable');
    }
    const limit = readOpenFileLimit(text);
    if (!limit) return skip('/proc/self/limits has no "Max open files" line');
    // Node raises its soft limit to the hard one at start-up, so `chatctl serve` gets the same.
    if (limit.soft !== 'unlimited' && limit.soft < RECOMMENDED_OPEN_FILES) {
      return warn(
        `${limit.soft} open files allowed (hard limit ${limit.hard}): the embedded server can hold fewer than ${limit.soft} WebSocket connections`,
        fdLimitFix(limit, process.getuid?.() === 0),
      );
    }
    return ok(`${limit.soft} open files allowed: room for about that many WebSocket connections`);
  },
};

export const embeddedChecks: readonly Check[] = [embeddedCredentialsCheck, credentialsModeCheck, fdLimitCheck];
