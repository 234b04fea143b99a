// How a report looks: flutter-doctor style for people ([✓] / [!] / [✗] / [-], or plain ASCII
// markers when the output is not a colour terminal) and one JSON document for scripts.
import { CATEGORIES, CATEGORY_TITLES, type CheckReport, type CheckStatus, type DoctorReport } from './types.js';

type Paint = (text: string) => string;

export interface Painter {
  bold: Paint;
  dim: Paint;
  green: Paint;
  yellow: Paint;
  red: Paint;
  cyan: Paint;
}

const plain: Paint = (text) => text;
export const NO_COLOR: Painter = { bold: plain, dim: plain, green: plain, yellow: plain, red: plain, cyan: plain };

export interface RenderOptions {
  /** Unicode markers ([✓]); otherwise ASCII ([ok], [warn], [FAIL], [skip]). */
  fancy: boolean;
  paint?: Painter;
}

const FANCY: Record<CheckStatus, string> = { ok: '[✓]', warn: '[!]', fail: '[✗]', skip: '[-]' };
const ASCII: Record<CheckStatus, string> = { ok: '[ok]  ', warn: '[warn]', fail: '[FAIL]', skip: '[skip]' };

function marker(status: CheckStatus, options: RenderOptions): string {
  const paint = options.paint ?? NO_COLOR;
  const text = options.fancy ? FANCY[status] : ASCII[status];
  return { ok: paint.green, warn: paint.yellow, fail: paint.red, skip: paint.dim }[status](text);
}

export function summarize(report: DoctorReport): { fails: number; warnings: number; line: string } {
  const fails = report.checks.filter((c) => c.status === 'fail').length;
  const warnings = report.checks.filter((c) => c.status === 'warn').length;
  const problems = fails + warnings;
  const line =
    problems === 0
      ? 'No issues found.'
      : `Doctor found ${problems} ${problems === 1 ? 'problem' : 'problems'} (${warnings} ${warnings === 1 ? 'warning' : 'warnings'}${report.strict && warnings > 0 ? ', which fail under --strict' : ''}).`;
  return { fails: report.strict ? problems : fails, warnings, line };
}

export function renderHuman(report: DoctorReport, header: string, options: RenderOptions): string {
  const paint = options.paint ?? NO_COLOR;
  const indent = options.fancy ? '    ' : '       ';
  const lines: string[] = [header];
  for (const category of CATEGORIES) {
    const checks = report.checks.filter((c) => c.category === category);
    if (checks.length === 0) continue;
    lines.push('', paint.bold(CATEGORY_TITLES[category]));
    const reasons = new Set(checks.map((c) => c.detail));
    if (checks.length > 1 && checks.every((c) => c.status === 'skip') && reasons.size === 1) {
      lines.push(paint.dim(`${options.fancy ? FANCY.skip : ASCII.skip} ${checks.length} checks skipped: ${checks[0]!.detail}`));
      continue;
    }
    for (const check of checks) lines.push(...renderCheck(check, options, indent, paint));
  }
  const { fails, line } = summarize(report);
  lines.push('', fails > 0 ? paint.red(line) : line === 'No issues found.' ? paint.green(line) : paint.yellow(line));
  return `${lines.join('\n')}\n`;
}

function renderCheck(check: CheckReport, options: RenderOptions, indent: string, paint: Painter): string[] {
  if (check.status === 'skip') return [paint.dim(`${options.fancy ? FANCY.skip : ASCII.skip} ${check.title}: ${check.detail}`)];
  const lines = [`${marker(check.status, options)} ${check.title}`, `${indent}• ${check.detail}`];
  if (check.fix) lines.push(`${indent}${paint.cyan('→')} ${check.fix}`);
  return lines;
}

/** `{ ok, checks: [{id, category, status, title, detail, fix?}] }` */
export function toJson(report: DoctorReport): { ok: boolean; strict?: boolean; checks: CheckReport[] } {
  return {
    ok: report.ok,
    ...(report.strict ? { strict: true } : {}),
    checks: report.checks.map((c) => ({
      id: c.id,
      category: c.category,
      status: c.status,
      title: c.title,
      detail: c.detail,
      ...(c.fix ? { fix: c.fix } : {}),
    })),
  };
}
