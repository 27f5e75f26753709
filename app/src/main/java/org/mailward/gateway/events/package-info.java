/**
 * Gateway events written to the store for the reports job: each inbound message's authentication outcome (a DMARC
 * aggregate report row, RFC 7489 Appendix C) and each delivery attempt's TLS outcome (a TLS-RPT result, RFC 8460).
 *
 * <pre>
 *  AuthenticationHook --recordAuthentication--&gt; GatewayEvents --bounded queue--&gt; writer thread --JDBC batch--&gt; auth_event
 *  QueueManager       --recordDelivery-------&gt;                                                            delivery_tls_event
 * </pre>
 * Recording never blocks or fails an SMTP transaction: a full queue drops the event (counted and logged), a
 * database error is logged and the batch is dropped.
 */
package org.mailward.gateway.events;
