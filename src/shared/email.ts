/** The e-mail shape accepted everywhere (API validation and the admin CLI): something@host.tld, no spaces. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
