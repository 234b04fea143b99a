// Compares a response with a seed example key by key and type by type.
// Extra keys in the actual value are allowed (the contract permits additions), missing or retyped ones are not.
export function shapeDifferences(actual: unknown, expected: unknown, path = '$'): string[] {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(actual) !== kind(expected)) return [`${path}: expected ${kind(expected)}, got ${kind(actual)}`];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length === 0) return [];
    if (actual.length === 0) return [`${path}: expected a non-empty array`];
    return actual.flatMap((item, i) => shapeDifferences(item, expected[0], `${path}[${i}]`));
  }
  if (kind(expected) === 'object') {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    return Object.keys(e).flatMap((key) =>
      key in a ? shapeDifferences(a[key], e[key], `${path}.${key}`) : [`${path}.${key}: missing`],
    );
  }
  return [];
}
