// Every doctor check, in the order they run and print (within their category). To add checks,
// write a module exporting `readonly Check[]` and list it here; set `network: true` on checks
// that talk to another host so --offline skips them.
import { configChecks } from './config.js';
import { connectivityChecks } from './connectivity.js';
import { credentialChecks } from './credentials.js';
import { databaseChecks } from './database.js';
import { embeddedChecks } from './embedded.js';
import { frontendChecks } from './frontend.js';
import { laravelAppChecks } from './laravel-app.js';
import { postgresChecks } from './postgres.js';
import { redisChecks } from './redis.js';
import { serverLaravelChecks } from './server-laravel.js';
import { serverChecks } from './server.js';
import type { Check } from './types.js';

export const CHECK_GROUPS: readonly (readonly Check[])[] = [
  configChecks,
  databaseChecks,
  postgresChecks,
  credentialChecks,
  connectivityChecks,
  frontendChecks,
  laravelAppChecks,
  embeddedChecks,
  redisChecks,
  serverChecks,
  serverLaravelChecks,
];
