// The key e-mails are unique and looked up by: NFC, then case-folded, so `Ann@Example.com`
// and `ann@example.COM` are one account (as SqliteStore's NOCASE column).
export function emailLookupKey(email: string): string {
  return email.normalize('NFC').toLowerCase();
}
