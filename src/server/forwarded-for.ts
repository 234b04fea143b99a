// Who the client is when TRUSTED_PROXIES are in front: the same rule as fastify's trustProxy
// (walk X-Forwarded-For from the nearest hop, skipping trusted proxies), for the places that see
// raw sockets instead of fastify requests: the per-address WebSocket and connection limits.
// Without this, every client behind one reverse proxy shares the proxy's single address.
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

export interface ProxyTrust {
  /** True when `address` is one of the trusted proxies. */
  isTrusted(address: string): boolean;
  /** The client's address: the peer, or what trusted proxies in front of it say. */
  clientAddress(req: IncomingMessage): string | undefined;
}

function plain(address: string): string {
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
}

/** `trusted` as TRUSTED_PROXIES gives it: `true` (every hop) or addresses and CIDR ranges. */
export function proxyTrust(trusted: true | readonly string[]): ProxyTrust {
  const list = new BlockList();
  if (trusted !== true) {
    for (const entry of trusted) {
      const [address = '', bits] = entry.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) list.addAddress(plain(address), family);
      else list.addSubnet(plain(address), Number(bits), family);
    }
  }
  const isTrusted = (address: string): boolean => {
    if (trusted === true) return true;
    const bare = plain(address);
    const family = isIP(bare);
    return family !== 0 && list.check(bare, family === 6 ? 'ipv6' : 'ipv4');
  };
  return {
    isTrusted,
    clientAddress(req) {
      const peer = req.socket.remoteAddress;
      if (!peer || !isTrusted(peer)) return peer;
      const header = req.headers['x-forwarded-for'];
      const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
        .split(',')
        .map((hop) => hop.trim())
        .filter((hop) => isIP(plain(hop)) !== 0)
        .reverse();
      let client = peer;
      for (const hop of hops) {
        if (!isTrusted(client)) break;
        client = hop;
      }
      return client;
    },
  };
}
