/**
 * The gateway: wires configuration, TLS material, listeners (smtp), the inbound pipeline, the spool and delivery.
 * {@link org.mailward.gateway.Gateway} is what {@code mailward serve} runs.
 */
package org.mailward.gateway;
