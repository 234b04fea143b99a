// Owns what reaches stdout/stderr and the exit code: human text vs --json, one-sentence errors.

/** The exit codes of every verb, so scripts can tell failures apart (documented in --help and README). */
export const EXIT = {
  ok: 0,
  /** The server refused the request or the input (4xx/5xx other than 401, validation). */
  api: 1,
  /** The command line itself is wrong (unknown option, bad value). */
  usage: 2,
  /** The server refused the token (401), or there is none. */
  auth: 3,
  /** The server could not be reached. */
  network: 4,
  /** Something did not happen within --timeout. */
  timeout: 5,
} as const;

/** For the verbs' --help. */
export const EXIT_CODES_HELP = `Exit codes: 0 ok, 1 API or validation error, 2 usage error, 3 authentication (401),
4 network (cannot reach the server), 5 timeout.`;

/** An expected failure: printed as one sentence on stderr, exit code 1 (or the given one). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Whether `stream` gets colours and marks: a terminal, NO_COLOR unset, TERM not dumb. */
export const colorWanted = (stream: NodeJS.WriteStream = process.stdout) => Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
const paint = (code: string) => (text: string) => (colorWanted() ? `\u001b[${code}m${text}\u001b[0m` : text);
export const style = { bold: paint('1'), dim: paint('2'), green: paint('32'), yellow: paint('33'), red: paint('31'), cyan: paint('36') };

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Aligned columns for lists; plain text, no box drawing, easy to grep. */
export function printTable(headers: string[], rows: Array<Array<string | number | null>>): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  cells.forEach((row, index) => {
    const line = row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
    printLine(index === 0 ? style.bold(line) : line);
  });
}

const verbose = () => process.argv.includes('--verbose') || Boolean(process.env.DEBUG);

/** Turns any thrown value into a clean stderr sentence and a non-zero exit code. */
export function reportError(error: unknown): void {
  const exitCode = error instanceof CliError ? error.exitCode : 1;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`chatctl: ${message.replace(/\s+$/, '')}\n`);
  if (verbose() && error instanceof Error && !(error instanceof CliError) && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exitCode = exitCode;
}

/** Wraps a command action so every failure goes through reportError. */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      reportError(error);
    }
  };
}
