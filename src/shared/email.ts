/** The e-mail shape accepted everywhere (API validation and the admin CLI): something@host.tld, no spaces. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The key two e-mails are "the same" by: Unicode NFC, then a full case fold (upper then lower, so
 * 'ß' and 'SS', 'ZOË' and 'zoë', NFD and NFC 'josé' all meet), then NFC again because case mapping
 * can decompose. Used for login lookups, uniqueness (a stored, uniquely indexed key column in every
 * store) and the login throttle. The address as typed is what is stored and shown.
 */
export function foldEmail(email: string): string {
  return email.trim().normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}
