package org.mailward.gateway.delivery;

/**
 * Receives what the queue manager learns while delivering: each MX attempt's TLS outcome (for the store's TLS-RPT
 * data and metrics) and each recipient's result. Called on delivery threads: implementations must be thread-safe
 * and quick (no network).
 */
@FunctionalInterface
public interface DeliveryListener {

    /** Result of one recipient after one delivery pass. */
    enum RecipientResult { DELIVERED, BOUNCED, DEFERRED, HELD }

    void tlsOutcome(String queueId, DeliveryTlsOutcome outcome);

    default void recipientResult(String queueId, String recipient, RecipientResult result) {
    }

    static DeliveryListener none() {
        return (q, o) -> {
        };
    }

    /** Both listeners, in order. */
    default DeliveryListener andThen(DeliveryListener next) {
        DeliveryListener first = this;
        return new DeliveryListener() {
            @Override
            public void tlsOutcome(String queueId, DeliveryTlsOutcome outcome) {
                first.tlsOutcome(queueId, outcome);
                next.tlsOutcome(queueId, outcome);
            }

            @Override
            public void recipientResult(String queueId, String recipient, RecipientResult result) {
                first.recipientResult(queueId, recipient, result);
                next.recipientResult(queueId, recipient, result);
            }
        };
    }
}
