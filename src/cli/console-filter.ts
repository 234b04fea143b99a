// `chatctl console --channel/--event/--user`: which events to show. All given filters must match.
import type { DebugEvent } from '../server/observability/events.js';

export interface ConsoleFilter {
  /** Glob: `*` any run of characters, `?` one character (e.g. `private-conversation.*`). */
  channel?: string;
  /** Event name, glob allowed (`message.*`). */
  event?: string;
  /** User id: events of that user's sockets, and publishes on `private-user.{id}`. */
  user?: string;
}

export function globToRegExp(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`);
}

function channelsOf(event: DebugEvent): string[] {
  if ('channels' in event) return event.channels;
  if ('channel' in event) return [event.channel];
  return [];
}

function eventNameOf(event: DebugEvent): string | undefined {
  return 'event' in event ? event.event : undefined;
}

function userOf(event: DebugEvent): string | undefined {
  return 'user_id' in event ? event.user_id : undefined;
}

/** The console's own notices always pass; every other event must satisfy each filter given. */
export function makeMatcher(filter: ConsoleFilter): (event: DebugEvent) => boolean {
  const channel = filter.channel !== undefined ? globToRegExp(filter.channel) : undefined;
  const name = filter.event !== undefined ? globToRegExp(filter.event) : undefined;
  const userChannel = filter.user !== undefined ? `private-user.${filter.user}` : undefined;
  return (event) => {
    if (event.kind.startsWith('console.')) return true;
    if (channel && !channelsOf(event).some((c) => channel.test(c))) return false;
    if (name) {
      const eventName = eventNameOf(event);
      if (eventName === undefined || !name.test(eventName)) return false;
    }
    if (filter.user !== undefined && userOf(event) !== filter.user && !channelsOf(event).includes(userChannel ?? '')) return false;
    return true;
  };
}
