export * from './types.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
export { DatabaseOpenError } from './sqlite/open.js';
