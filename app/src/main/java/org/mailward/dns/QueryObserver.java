package org.mailward.dns;

/** Told of every question a {@link CountingResolver} passes on (a real lookup when placed below the cache). */
@FunctionalInterface
public interface QueryObserver {
    void onQuery(String name, RecordType type, DnsAnswer answer);
}
