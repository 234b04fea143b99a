// The origin the server puts in links it hands out: APP_URL when set, else the address `serve`
// listens on. Never a request header: a link built from one sender's Host would reach the
// recipient and send their bearer token to whatever host the sender chose.
import type { AddressInfo } from 'node:net';

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** http://host:port of a listening socket; a wildcard address becomes the loopback one. */
export function listenOrigin(address: AddressInfo | string | null, configuredHost: string): string {
  const port = address && typeof address === 'object' ? address.port : 0;
  const host = WILDCARDS.has(configuredHost) ? (configuredHost === '::' ? '::1' : '127.0.0.1') : configuredHost;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function publicOrigin(appUrl: string | undefined, address: AddressInfo | string | null, configuredHost: string): string {
  return appUrl ? new URL(appUrl).origin : listenOrigin(address, configuredHost);
}
