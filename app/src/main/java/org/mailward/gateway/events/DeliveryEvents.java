package org.mailward.gateway.events;

import java.time.Clock;
import java.util.Objects;
import org.mailward.gateway.delivery.DeliveryListener;
import org.mailward.gateway.delivery.DeliveryTlsOutcome;

/**
 * Records each delivery attempt's TLS outcome (as the queue manager reports it) as a {@link DeliveryTlsEvent}: the
 * rows TLS-RPT reports (RFC 8460 4.4) are built from. Quick and non-blocking, as {@link GatewayEvents} is.
 */
public final class DeliveryEvents implements DeliveryListener {

    private final GatewayEvents events;
    private final Clock clock;

    public DeliveryEvents(GatewayEvents events, Clock clock) {
        this.events = Objects.requireNonNull(events);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public void tlsOutcome(String queueId, DeliveryTlsOutcome o) {
        events.recordDelivery(new DeliveryTlsEvent(clock.instant(), queueId, o.domain(), o.mxHost(), o.address(), o.policyType().rfcName(),
                String.join("\n", o.policyStrings()), o.failure().map(DeliveryTlsOutcome.FailureType::rfcName).orElse(DeliveryTlsEvent.SUCCESS),
                o.detail(), o.tlsVersion().orElse(""), o.cipher().orElse("")));
    }
}
