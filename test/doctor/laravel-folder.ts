// Builds a temporary Laravel-like folder (real files: artisan, composer.json, .env, resources/js,
// routes, config, bootstrap/cache) for the doctor tests, and parses doctor's --json answer.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import type { CliResult } from '../helpers/cli.js';

export interface JsonCheck {
  id: string;
  category: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  title: string;
  detail: string;
  fix?: string;
}

const made: string[] = [];

/** A Laravel app folder with `.env` lines and files (path → text); `artisan` is always there. */
export function laravelApp(env: Record<string, string>, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatctl-laravel-'));
  made.push(dir);
  const all: Record<string, string> = { artisan: '#!/usr/bin/env php\n<?php\n', ...files };
  all['.env'] = `${Object.entries(env)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n')}\n`;
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export function removeLaravelApps(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function parseReport(result: CliResult): { ok: boolean; strict?: boolean; checks: JsonCheck[] } {
  expect(result.stdout.trim().split('\n'), result.stderr).toHaveLength(1);
  return JSON.parse(result.stdout) as { ok: boolean; strict?: boolean; checks: JsonCheck[] };
}

export function byId(checks: JsonCheck[], id: string): JsonCheck {
  const found = checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${checks.map((c) => c.id).join(', ')}`);
  return found;
}

/** The .env of a Laravel app broadcasting through a Pusher-compatible host on 127.0.0.1:port. */
export function pusherEnv(port: number, app: { id: string; key: string; secret: string }): Record<string, string> {
  return {
    APP_NAME: 'Laravel',
    APP_ENV: 'local',
    APP_DEBUG: 'false',
    BROADCAST_DRIVER: 'pusher',
    PUSHER_APP_ID: app.id,
    PUSHER_APP_KEY: app.key,
    PUSHER_APP_SECRET: app.secret,
    PUSHER_HOST: '127.0.0.1',
    PUSHER_PORT: String(port),
    PUSHER_SCHEME: 'http',
    PUSHER_APP_CLUSTER: 'mt1',
    // A port nothing listens on: no chatctl server is probed unless --server says so.
    PORT: '1',
  };
}
