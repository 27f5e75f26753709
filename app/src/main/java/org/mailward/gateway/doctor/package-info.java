/**
 * {@code mailward doctor}: the gateway checks its own deployment from the outside view, as the UK guidance asks every
 * organisation to prove it: forward and reverse DNS of the sending host, the listener certificate against the names
 * MX records and EHLO use, MX, SPF, DKIM and DMARC of every local domain, and the Secure Delivery rules.
 *
 * <pre>
 * GatewayConfig + outbound addresses --&gt; Doctor --(Resolver, Clock, trust anchors)--&gt; DoctorItem list
 *                                        \--&gt; check.CheckRunner (DMARC, MTA-STS, TLS-RPT rules of CHECKS.md)
 * </pre>
 *
 * Item ids are CHECKS.md rule ids where one fits and {@code DOCTOR-*} ids otherwise (listed in docs/cli.md).
 */
package org.mailward.gateway.doctor;
