/**
 * SMTP protocol layer: our own ESMTP server and a minimal client, on virtual threads. Knows nothing of policies:
 * the gateway plugs in through {@link org.mailward.smtp.SessionHandler}.
 *
 * <pre>
 *  socket --&gt; SmtpInput (strict CRLF lines, byte buffer we own: STARTTLS discards it)
 *               |
 *           SmtpSession (state machine, limits, timeouts) --CommandParser/AddressParser--&gt; SmtpCommand values
 *               |                         \-- DataReader (CRLF.CRLF only, dot-unstuffing, bare CR/LF detection)
 *           SessionHandler (gateway)  --&gt; Decision (accept / refuse with an SmtpReply)
 * </pre>
 *
 * RFCs: 5321 (SMTP), 1869/5321 (ESMTP parameters), 2920 (PIPELINING), 1870 (SIZE), 6152 (8BITMIME),
 * 6531 (SMTPUTF8), 2034/3463 (enhanced status codes), 3207 (STARTTLS), 3030 (CHUNKING/BDAT), 3461 (DSN
 * parameters), 4954 (AUTH) with 4616 (PLAIN).
 *
 * <p>Framing decision (SMTP smuggling, SEC Consult 2023): only {@code CRLF.CRLF} ends DATA. A bare LF or bare CR
 * anywhere in DATA never ends the message and never starts a command; the message is read to the real end and
 * then refused with {@code 550 5.6.0}, so no sequence ({@code <LF>.<LF>}, {@code <CR>.<CR>}, {@code <LF>.<CR><LF>},
 * {@code <CR><LF>.<LF>}, ...) can split one message into two, and no message with bare line ends is ever queued
 * (so it cannot be smuggled onward either). Commands ending in a bare LF are refused with {@code 500 5.5.2}.
 */
package org.mailward.smtp;
