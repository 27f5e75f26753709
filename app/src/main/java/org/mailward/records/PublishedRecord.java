package org.mailward.records;

import java.util.Objects;

/**
 * One record to publish (CLI.md {@code records[{name,type,value,ttl,purpose}]}).
 *
 * @param name    absolute owner name, with the trailing dot
 * @param type    TXT, MX, CNAME...
 * @param value   the record data as text, unquoted (TXT: the joined text, split into strings only in
 *                {@link #zoneLine()})
 * @param ttl     seconds
 * @param purpose one line of explanation
 */
public record PublishedRecord(String name, String type, String value, long ttl, String purpose) {
    public PublishedRecord {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(value);
        Objects.requireNonNull(purpose);
    }

    /** The RFC 1035 master-file line (TXT values quoted and split into 255-octet strings). */
    public String zoneLine() {
        return type.equals("TXT") ? ZoneText.txt(name, ttl, value) : name + " " + ttl + " IN " + type + " " + value;
    }
}
