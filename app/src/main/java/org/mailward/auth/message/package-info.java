/**
 * RFC 5322 message reading for the authentication layer (DKIM, ARC): the header section is parsed into
 * {@link org.mailward.auth.message.HeaderField}s that keep their exact bytes (simple canonicalisation, RFC 6376
 * 3.4.1, needs them), and the body is streamed once, chunk by chunk, to {@link org.mailward.auth.message.BodyConsumer}s
 * (body-hash canonicalisers) without ever being held in memory.
 *
 * <pre>
 *   InputStream ──► MessageReader ──► header section (bounded) ──► List&lt;HeaderField&gt;
 *                        │
 *                        └──► body, line by line, LF and CRLF both ending a line ──► BodyConsumer(s)
 * </pre>
 *
 * Line ends: RFC 5322 2.1 says CRLF; mail stored on Unix uses LF. Both end a line here, and header fields are
 * stored with CRLF so canonicalisation sees the wire form (RFC 6376 5.3 "convert to CRLF before signing").
 */
package org.mailward.auth.message;
