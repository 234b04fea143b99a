/**
 * Which API token authorised which live socket (recorded when /broadcasting/auth signs for a
 * socket_id), so revoking a token can end the real-time connections it opened. Token ids are
 * opaque strings here: the embedded server knows nothing about users or the store.
 */

/** A socket authorised by more tokens than this keeps the first ones only (memory bound). */
const MAX_TOKENS_PER_SOCKET = 16;

export class TokenSockets {
  private readonly byToken = new Map<string, Set<string>>();
  private readonly bySocket = new Map<string, Set<string>>();

  bind(socketId: string, tokenId: string): void {
    const tokens = this.bySocket.get(socketId) ?? new Set<string>();
    if (tokens.has(tokenId) || tokens.size >= MAX_TOKENS_PER_SOCKET) return;
    tokens.add(tokenId);
    this.bySocket.set(socketId, tokens);
    const sockets = this.byToken.get(tokenId) ?? new Set<string>();
    sockets.add(socketId);
    this.byToken.set(tokenId, sockets);
  }

  /** Called when a socket closes. */
  forgetSocket(socketId: string): void {
    const tokens = this.bySocket.get(socketId);
    if (!tokens) return;
    this.bySocket.delete(socketId);
    for (const tokenId of tokens) {
      const sockets = this.byToken.get(tokenId);
      sockets?.delete(socketId);
      if (sockets?.size === 0) this.byToken.delete(tokenId);
    }
  }

  socketsOf(tokenId: string): string[] {
    return [...(this.byToken.get(tokenId) ?? [])];
  }

  /** Every token that has at least one live socket. */
  tokenIds(): string[] {
    return [...this.byToken.keys()];
  }
}
