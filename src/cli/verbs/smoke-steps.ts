// What the smoke steps share: a step's result, how it prints, the two ways a step ends early
// (skipped, or failed with an exit code) and a deadline that fails with the timeout code.
import { colorWanted, EXIT, style } from '../output.js';

export interface StepResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
  /** why the step was not run (it does not fail the smoke test) */
  skipped?: string;
}

export class Skip extends Error {}
export class Failed extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.api,
  ) {
    super(message);
  }
}

export function formatStep(step: StepResult, detail?: string): string {
  const fancy = colorWanted();
  const name = step.name.padEnd(22);
  if (step.skipped !== undefined) return `${fancy ? style.yellow('-') : 'skip'} ${name} skipped: ${step.skipped}`;
  const time = `${step.ms} ms`.padStart(8);
  if (!step.ok) return `${fancy ? style.red('✗') : 'FAIL'} ${name} ${time}  ${step.error ?? ''}`;
  return `${fancy ? style.green('✓') : 'ok  '} ${name} ${time}${detail ? `  ${detail}` : ''}`;
}

/** Resolves with the value, or rejects with `message` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Failed(message(), EXIT.timeout)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

