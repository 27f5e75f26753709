package org.mailward.gateway.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where transaction records go. The default writes one INFO line per transaction to the logger {@code mailward.transaction}. */
@FunctionalInterface
public interface TransactionLog {

    void record(TransactionRecord r);

    /** Whether records are wanted at all (the default log checks its level, so a quiet gateway reads nothing extra). */
    default boolean enabled() {
        return true;
    }

    static TransactionLog slf4j() {
        Logger log = LoggerFactory.getLogger("mailward.transaction");
        return new TransactionLog() {
            @Override
            public void record(TransactionRecord r) {
                log.info("{}", r.line());
            }

            @Override
            public boolean enabled() {
                return log.isInfoEnabled();
            }
        };
    }
}
