export * from './types.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
export { DatabaseOpenError } from './sqlite/open.js';
export { PostgresStore } from './postgres/postgres-store.js';
export { openChatStore, describeStore } from './factory.js';
