// Times as the chat shows them, in the terminal's local time zone.

const pad = (n: number) => String(n).padStart(2, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function parse(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** 09:41 */
export function clock(iso: string): string {
  const date = parse(iso);
  return date ? `${pad(date.getHours())}:${pad(date.getMinutes())}` : '--:--';
}

/** A key that is equal for two times on the same local day. */
export function dayKey(iso: string): string {
  const date = parse(iso);
  return date ? `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}` : '';
}

/** "Today", "Yesterday", "Tue 4 Mar", or "Tue 4 Mar 2025" for another year. */
export function dayLabel(iso: string, now: Date = new Date()): string {
  const date = parse(iso);
  if (!date) return '';
  if (dayKey(iso) === dayKey(now.toISOString())) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dayKey(iso) === dayKey(yesterday.toISOString())) return 'Yesterday';
  const label = `${DAYS[date.getDay()]} ${date.getDate()} ${MONTHS[date.getMonth()]}`;
  return date.getFullYear() === now.getFullYear() ? label : `${label} ${date.getFullYear()}`;
}

/** Short relative time for the conversation list: now, 5m, 3h, 2d, 4 Mar. */
export function ago(iso: string, now: Date = new Date()): string {
  const date = parse(iso);
  if (!date) return '';
  const seconds = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  if (seconds < 60) return 'now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  if (seconds < 7 * 86_400) return `${Math.floor(seconds / 86_400)}d`;
  return `${date.getDate()} ${MONTHS[date.getMonth()]}`;
}

/** "online" is said elsewhere; this is for an offline partner: "last seen 5 minutes ago". */
export function lastSeenText(iso: string | null | undefined, now: Date = new Date()): string {
  const date = iso ? parse(iso) : null;
  if (!date) return '';
  const seconds = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  if (seconds < 60) return 'last seen just now';
  if (seconds < 3600) return `last seen ${plural(Math.floor(seconds / 60), 'minute')}`;
  if (seconds < 86_400) return `last seen ${plural(Math.floor(seconds / 3600), 'hour')}`;
  if (seconds < 7 * 86_400) return `last seen ${plural(Math.floor(seconds / 86_400), 'day')}`;
  return `last seen ${date.getDate()} ${MONTHS[date.getMonth()]}${date.getFullYear() === now.getFullYear() ? '' : ` ${date.getFullYear()}`}`;
}
