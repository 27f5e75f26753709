/**
 * The inbound pipeline: one hook per SMTP phase (after Haraka and Postfix smtpd restrictions), relay control,
 * and the hand-off to the spool. SPF, FCrDNS, DKIM, ARC and DMARC run in {@link org.mailward.gateway.inbound.AuthenticationHook}
 * (inbound listeners, mail from outside only), whose action comes from {@link org.mailward.gateway.inbound.AuthenticationPolicy};
 * it tells an {@link org.mailward.gateway.inbound.AuthenticationListener} about each verdict, which is how
 * {@link org.mailward.gateway.inbound.DmarcFailureReporter} sends DMARC failure reports (when configured).
 *
 * <pre>
 *  SmtpSession --SessionHandler--&gt; InboundHandler
 *                                    | connect/helo/mail/rcpt/data: HookRunner runs each hook with a time limit
 *                                    |   (Continue[+add/remove headers] | Accept | Reject(code,text) | TempFail(code,text)
 *                                    |    | Quarantine(reason) in the data phase; a timeout or exception = TempFail 451)
 *                                    | rcpt: RelayControl first (never an open relay; no hook can override it)
 *                                    \ data: Received + hook headers prepended, Spool.enqueue (fsync), then 250
 * </pre>
 */
package org.mailward.gateway.inbound;
