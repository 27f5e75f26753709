/**
 * Observation of the gateway: Prometheus metrics (text exposition format 0.0.4) served over HTTP, and one
 * structured log line per SMTP transaction. Both come from {@link org.mailward.gateway.observe.ObservedSessionHandler},
 * a decorator around the inbound session handler, and from the queue manager's
 * {@link org.mailward.gateway.delivery.DeliveryListener}; neither changes what the pipeline decides.
 *
 * <pre>
 * SmtpSession -> ObservedSessionHandler -> InboundHandler (hooks, spool)
 *                   |  counters, TransactionRecord -> TransactionLog (SLF4J logger "mailward.transaction")
 * QueueManager --DeliveryListener--> GatewayMetrics <-- scrape -- MetricsServer (GET /metrics)
 *                                       gauges read the Spool at scrape time
 * </pre>
 */
package org.mailward.gateway.observe;
