package org.mailward.gateway.events;

/**
 * Where the gateway records what happened, for reports. Implementations must never block the caller for long and
 * never throw: an SMTP transaction or a delivery must not wait for, or fail because of, the store.
 */
public interface GatewayEvents extends AutoCloseable {

    /** An inbound message's authentication outcome (one DMARC aggregate report row). */
    void recordAuthentication(AuthenticationEvent event);

    /** A delivery attempt's TLS outcome with one MX host (one TLS-RPT result). */
    void recordDelivery(DeliveryTlsEvent event);

    /** Stops recording; pending events are written as far as possible. */
    @Override
    void close();

    /** Records nothing (no store configured, or tests that do not look). */
    GatewayEvents NONE = new GatewayEvents() {
        @Override
        public void recordAuthentication(AuthenticationEvent event) {
        }

        @Override
        public void recordDelivery(DeliveryTlsEvent event) {
        }

        @Override
        public void close() {
        }
    };
}
