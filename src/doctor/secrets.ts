// Which values doctor must never print, and how they are masked. A value is a secret when its
// variable's name says so, when it is the password part of a URL, or when it is a Pusher/Reverb
// key that could be the secret (swapped values: a key of the secret's shape is masked too,
// because doctor cannot know which of two 20-hex strings is the public one).

/** Variables whose values are secrets even though doctor never means to print them. */
export const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|_PASS$|TOKEN|PRIVATE|CREDENTIAL|API_KEY|AUTH_KEY|ACCESS_KEY|SIGNING_KEY|_DSN$)|^APP_KEY$/;

/** Pusher-protocol keys: public by design, unless they are really a secret in the wrong place. */
const KEY_NAME = /^(VITE_|MIX_)?(PUSHER|REVERB)_APP_KEY$/;
const PROTOCOL_SECRET_NAME = /^(VITE_|MIX_)?(PUSHER|REVERB)_APP_SECRET$/;

/** Laravel's literal empty values: never secrets, and masking them would mangle sentences. */
const NOT_A_VALUE = /^(null|\(null\)|empty|\(empty\)|true|false|\(true\)|\(false\))$/i;

/** `********3f (40 chars)`: the length and, for long secrets only, the last two characters. */
export function maskSecret(secret: string): string {
  const chars = Array.from(secret);
  return `********${chars.length >= 16 ? chars.slice(-2).join('') : ''} (${chars.length} chars)`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces every secret in `text` with its mask (longest first, so no secret is half-masked).
 * Short secrets (under 8 characters) are masked where they stand as a word of their own, so a
 * DB_PASSWORD of `root` masks "root" but not "chroot".
 */
export function redactText(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of [...new Set(secrets)].sort((a, b) => b.length - a.length)) {
    if (secret.length === 0) continue;
    if (secret.length >= 8) out = out.split(secret).join(maskSecret(secret));
    else out = out.replace(new RegExp(`(?<![A-Za-z0-9_-])${escapeRegExp(secret)}(?![A-Za-z0-9_-])`, 'g'), maskSecret(secret));
  }
  return out;
}

type Shape = 'hex' | 'alnum' | 'other';
const shape = (value: string): Shape => (/^[0-9a-f]+$/i.test(value) ? 'hex' : /^[0-9a-z]+$/i.test(value) ? 'alnum' : 'other');

/** Two values a reader cannot tell apart by their looks (e.g. both 20 hex characters). */
export function sameShape(a: string, b: string): boolean {
  return a.length === b.length && shape(a) === shape(b);
}

/** Secret-like: says so, or is a long hex string (chatctl generates 40 hex characters). */
export function looksLikeSecret(value: string): boolean {
  return /secret/i.test(value) || /^[0-9a-f]{32,}$/i.test(value);
}

/** The password in `scheme://user:password@host` values (DATABASE_URL, REDIS_URL, …). */
function urlPassword(value: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/i.exec(value);
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/** Every value in `values` that is, or could be, a secret. */
export function collectSecrets(values: Record<string, string | undefined>): Set<string> {
  const secrets = new Set<string>();
  const add = (value: string | undefined) => {
    const trimmed = value?.trim();
    if (trimmed && !NOT_A_VALUE.test(trimmed)) {
      secrets.add(trimmed);
      // The raw form too: a quoted or padded value is printed as written.
      if (value !== trimmed && value) secrets.add(value);
    }
  };
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (SECRET_NAME.test(name)) add(value);
    const password = urlPassword(value.trim());
    if (password) add(password);
  }
  const protocolSecrets = Object.entries(values)
    .filter(([name, value]) => PROTOCOL_SECRET_NAME.test(name) && value?.trim())
    .map(([, value]) => value!.trim());
  for (const [name, value] of Object.entries(values)) {
    const key = value?.trim();
    if (!key || !KEY_NAME.test(name) || NOT_A_VALUE.test(key)) continue;
    if (looksLikeSecret(key) || protocolSecrets.some((secret) => secret === key || sameShape(secret, key))) add(key);
  }
  return secrets;
}
