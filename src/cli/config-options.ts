// Loads configuration for a command, turning config problems into one clear CLI sentence.
import type { AppConfig, LoadConfigOptions } from '../config/env.js';
import { CliError } from './output.js';

export interface CommonOptions {
  envFile?: string;
  db?: string;
}

export async function loadCommandConfig(
  options: CommonOptions,
  overrides: LoadConfigOptions['overrides'] = {},
): Promise<AppConfig> {
  const { loadConfig, ConfigError } = await import('../config/env.js');
  try {
    return loadConfig({ envFile: options.envFile, overrides: { ...overrides, ...(options.db ? { databasePath: options.db } : {}) } });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

/** Opens the store for admin commands (no server needed). */
export async function openStore(options: CommonOptions) {
  const config = await loadCommandConfig(options);
  const { openChatStore, DatabaseOpenError } = await import('../server/store/index.js');
  try {
    return await openChatStore(config);
  } catch (error) {
    if (error instanceof DatabaseOpenError) throw new CliError(error.message);
    throw error;
  }
}
