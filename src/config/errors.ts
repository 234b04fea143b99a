// A configuration problem: always one sentence naming the variable, shown as is by the CLI.
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
