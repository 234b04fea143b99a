// What every check reads: the merged env values (exactly as `serve` would see them), the
// configuration loadConfig builds from them, the problems it found, and the options of this run.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { collectEnv, ConfigError, loadConfig, readEnvFile, type AppConfig, type EnvSource } from '../config/env.js';
import { collectSecrets, redactText } from './secrets.js';

export { maskSecret, redactText } from './secrets.js';

export interface DoctorOptions {
  /** Folder whose `.env` (and Laravel files) are checked; default process.cwd(). */
  cwd?: string;
  /** The environment; default process.env. Tests pass plain maps. */
  env?: EnvSource;
  /** --env-file: a missing explicit file is a failure, a missing default `.env` is not. */
  envFile?: string;
  /** --server: a running chatctl to check; default the one on HOST:PORT, if any answers. */
  server?: string;
  /** Limit for each network check. */
  timeoutMs?: number;
  /** --token: a user's bearer token for probing channel authorization. */
  token?: string;
  /** --offline: every network check is skipped. */
  offline?: boolean;
}

export interface ConfigProblem {
  /** The variable the sentence is about, when it names one. */
  variable?: string;
  message: string;
}

export interface DoctorContext {
  cwd: string;
  env: EnvSource;
  envFileOption?: string;
  /** Where the env file is (or would be). */
  envFilePath: string;
  envFileFound: boolean;
  /** The ConfigError sentence when the env file could not be read. */
  envFileError?: string;
  /** Values read from the env file alone. */
  fileValues: EnvSource;
  /** Environment over the env file, as loadConfig merges them (raw, untrimmed). */
  values: EnvSource;
  /**
   * loadConfig's result with every invalid variable left out (so one bad PORT does not hide the
   * rest); undefined only when the env file itself could not be read.
   */
  config?: AppConfig;
  /** Every ConfigError loadConfig raised, one per variable. */
  problems: ConfigProblem[];
  serverUrl?: string;
  token?: string;
  offline: boolean;
  timeoutMs: number;
  /** Caches shared work (a database inspection, the server probe) between checks. */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** Values that must never be printed; `redact` masks them. */
  secrets: Set<string>;
  redact(text: string): string;
}

export const DEFAULT_TIMEOUT_MS = 5000;

/** Laravel `.env.example` and guide placeholders, and Laravel's literal `null`. */
const PLACEHOLDER = /^(your[_-]?[a-z0-9_-]*|null|\(null\)|empty|\(empty\)|changeme|change[_-]me|x{3,}|<[^>]*>|\.{3}|…)$/i;

export function isPlaceholder(value: string): boolean {
  return value.trim() === '' || PLACEHOLDER.test(value.trim());
}

const VARIABLE_IN_SENTENCE = /^([A-Z][A-Z0-9_]{2,})(?=[\s=])/;

export function createContext(options: DoctorOptions = {}): DoctorContext {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const envFilePath = resolve(cwd, options.envFile ?? '.env');

  let envFileError: string | undefined;
  let values: EnvSource;
  let fileValues: EnvSource = {};
  try {
    values = collectEnv({ cwd, env, envFile: options.envFile }).values;
    fileValues = readEnvFile(envFilePath, false);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    envFileError = error.message;
    values = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
  }

  // loadConfig stops at the first invalid variable; blanking it (the environment wins over the
  // file, and a blank value means "default") reveals the next one, without re-parsing anything here.
  const problems: ConfigProblem[] = [];
  let config: AppConfig | undefined;
  if (envFileError === undefined) {
    const blanked: Record<string, string> = {};
    for (let attempt = 0; attempt < 32; attempt++) {
      try {
        config = loadConfig({ cwd, env: { ...env, ...blanked }, envFile: options.envFile });
        break;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        const variable = VARIABLE_IN_SENTENCE.exec(error.message)?.[1];
        problems.push({ ...(variable ? { variable } : {}), message: error.message });
        if (!variable || variable in blanked) break;
        blanked[variable] = '';
      }
    }
  }

  // Every value that is, or could be, a secret (the environment's too: doctor may print a
  // variable the file does not hold).
  const secrets = collectSecrets(values);
  if (options.token) {
    secrets.add(options.token);
    // Sanctum tokens are `id|secret`: the part after the bar is the secret on its own.
    const [, plain] = options.token.split('|', 2);
    if (plain) secrets.add(plain);
  }

  const cache = new Map<string, Promise<unknown>>();
  return {
    cwd,
    env,
    ...(options.envFile !== undefined ? { envFileOption: options.envFile } : {}),
    envFilePath,
    envFileFound: existsSync(envFilePath),
    ...(envFileError !== undefined ? { envFileError } : {}),
    fileValues,
    values,
    ...(config ? { config } : {}),
    problems,
    ...(options.server !== undefined ? { serverUrl: options.server } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    offline: options.offline === true,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
      let pending = cache.get(key) as Promise<T> | undefined;
      if (!pending) {
        pending = compute();
        cache.set(key, pending);
      }
      return pending;
    },
    secrets,
    redact(text: string) {
      return redactText(text, secrets);
    },
  };
}

/** A variable's trimmed value; undefined when absent. */
export function rawValue(ctx: DoctorContext, name: string): string | undefined {
  return ctx.values[name]?.trim();
}

/** Set to something non-blank. */
export function isSet(ctx: DoctorContext, name: string): boolean {
  return (rawValue(ctx, name) ?? '') !== '';
}

/** The problem loadConfig reported for one of these variables. */
export function problemFor(ctx: DoctorContext, ...variables: string[]): ConfigProblem | undefined {
  return ctx.problems.find((p) => p.variable !== undefined && variables.includes(p.variable));
}

/** Why a check that needs the configuration cannot run, or undefined when it can. */
export function configUnavailable(ctx: DoctorContext): string | undefined {
  if (!ctx.config) return 'the configuration could not be loaded (see Configuration)';
  return undefined;
}

/** Where the value came from, for fix hints: the env file when it holds it, else the environment. */
export function whereSet(ctx: DoctorContext, name: string): string {
  if (ctx.env[name] !== undefined) return 'the environment';
  return ctx.envFileFound ? ctx.envFilePath : 'the environment';
}

/** `host` ready for a URL (IPv6 in brackets; wildcard listen addresses become loopback). */
export function hostForUrl(host: string): string {
  const probe = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return probe.includes(':') && !probe.startsWith('[') ? `[${probe}]` : probe;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
