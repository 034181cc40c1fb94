/**
 * The one Content-Security-Policy of the UI, used by the Electron shell, by serve mode (response header) and by the
 * built index.html (meta tag). Scripts and styles come only from the app itself; the API is same-origin (serve) or
 * IPC (Electron).
 */
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** As an HTTP header; frame-ancestors only works there. */
export const CONTENT_SECURITY_POLICY = [...DIRECTIVES, "frame-ancestors 'none'"].join('; ');

/** As a <meta> tag, where browsers ignore frame-ancestors (and log a warning for it). */
export const CONTENT_SECURITY_POLICY_META = DIRECTIVES.join('; ');
