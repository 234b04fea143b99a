// Real-time failures end their fix with a pointer to the live console, where the next message shows why.
import type { Check, CheckResult } from './types.js';

const REALTIME_CHECKS = new Set(['connectivity.http-api', 'connectivity.websocket', 'clients.frontend-websocket', 'server.realtime', 'server.websocket', 'server.auth-endpoint']);

export const CONSOLE_HINT = 'watch it live: chatctl console';

export function withConsoleHint(check: Pick<Check, 'id'>, result: CheckResult): string | undefined {
  if (!result.fix || result.status !== 'fail' || !REALTIME_CHECKS.has(check.id)) return result.fix;
  return `${result.fix}; ${CONSOLE_HINT}`;
}
