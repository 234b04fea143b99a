export * from './messages.js';
export { listenOrigin, publicOrigin } from './public-origin.js';
