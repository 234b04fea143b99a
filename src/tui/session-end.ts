// Ending a chat session: the token revoked on the server (logout) and forgotten from the saved
// profile when it is the profile's, so the next start asks for a login instead of failing.
import { ApiError, ChatApi } from '../client/api.js';
import { forgetToken, normalizeServer, readProfile } from '../client/profile.js';

/** The login screen's line after a 401 in the middle of a session. */
export const SESSION_ENDED = 'The server ended the session (token revoked or expired). Log in again.';
/** The login screen's line when the token chatctl chat started with is refused. */
export const TOKEN_REFUSED_AT_START = 'The server refused the saved token (revoked or expired). Log in again.';

/** Resolves with a line to show instead of the first one when something went wrong, else null. */
export async function endSession(options: { server: string; token: string; revoke: boolean; env: NodeJS.ProcessEnv }): Promise<string | null> {
  const { server, token, revoke, env } = options;
  let outcome: string | null = null;
  if (revoke) {
    try {
      await new ChatApi(server, token).logout();
    } catch (error) {
      // A 401: the server had revoked it already, which is what logging out wants.
      if (!(error instanceof ApiError && error.status === 401)) {
        const why = error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
        outcome = `Logged out here, but ${server} could not revoke the token (${why}); it stays valid until revoked.`;
      }
    }
  }
  try {
    const profile = readProfile(env);
    if (profile.token === token && profile.server && normalizeServer(profile.server) === normalizeServer(server)) forgetToken(env);
  } catch {
    // An unreadable profile holds no token to forget.
  }
  return outcome;
}
