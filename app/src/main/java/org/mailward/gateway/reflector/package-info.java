/**
 * The emailsecurity@ reflector (issue 8; docs/reflector.md): for each local domain the gateway answers mail to
 * {@code emailsecurity@<domain>} (configurable) itself, with the authentication results of the received message, as
 * the GOV.UK guidance asks of every organisation ("an email address ... for each of your email domains" that shows
 * how mail is checked and that outbound TLS and DKIM signing work).
 *
 * <pre>
 *  DATA ──▶ AuthenticationHook ──(AuthenticationListener: results of mail to the reflector)──▶ Reflector
 *             │                                                                                  ▲
 *  InboundHandler: reflector recipients taken out of the envelope ──(LocalResponder.respond)─────┘
 *             │                          │
 *             ▼                          ▼ ReplyRules (null sender, loops, RFC 3834 auto/list mail, authenticated
 *     other recipients spooled             sender) ─▶ ReplyRateLimiter ─▶ ReflectorReport ─▶ ReplyBuilder (text + JSON)
 *     and relayed as usual                 ─▶ LocalSubmission: DKIM-signed, spooled, delivered under Secure Delivery
 * </pre>
 */
package org.mailward.gateway.reflector;
