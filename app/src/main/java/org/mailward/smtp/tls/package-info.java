/**
 * TLS for SMTP: named protocol/cipher profiles (default: the NCSC profile, TLS 1.2 and 1.3 with forward-secret
 * AEAD suites only), PEM certificate loading, self-signed certificates for opportunistic TLS, and a server context
 * that reloads its certificate when the files change. RFCs: 3207 (STARTTLS), 8446 (TLS 1.3), 5246 (TLS 1.2),
 * 7525/9325 (recommendations); NCSC "Using TLS to protect data" profile.
 */
package org.mailward.smtp.tls;
