package org.mailward.dns;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One resource record of an answer, typed. Host names are absolute, lower case, without the trailing dot.
 */
public sealed interface DnsRecord {

    /** Time to live in seconds, as received (or as in the zone file). */
    long ttl();

    RecordType type();

    /** Presentation form of the record data, as a zone file would show it. */
    String data();

    record A(InetAddress address, long ttl) implements DnsRecord {
        public RecordType type() { return RecordType.A; }
        public String data() { return address.getHostAddress(); }
    }

    record Aaaa(InetAddress address, long ttl) implements DnsRecord {
        public RecordType type() { return RecordType.AAAA; }
        public String data() { return address.getHostAddress(); }
    }

    record Mx(int preference, String exchange, long ttl) implements DnsRecord {
        public RecordType type() { return RecordType.MX; }
        public String data() { return preference + " " + (exchange.isEmpty() ? "." : exchange + "."); }
    }

    /**
     * A TXT (or SPF type 99) record. {@code strings} are the character-strings of the record, decoded byte for byte
     * as ISO-8859-1 so no byte is lost; {@link #text()} joins them with no separator (RFC 7208 3.3, RFC 6376
     * 3.6.2.2).
     */
    record Txt(RecordType type, List<String> strings, long ttl) implements DnsRecord {
        public Txt {
            Objects.requireNonNull(type);
            strings = List.copyOf(strings);
        }

        public Txt(List<String> strings, long ttl) {
            this(RecordType.TXT, strings, ttl);
        }

        /** The character-strings concatenated with no separator. */
        public String text() {
            return String.join("", strings);
        }

        public String data() {
            StringBuilder sb = new StringBuilder();
            for (String s : strings) {
                if (!sb.isEmpty()) {
                    sb.append(' ');
                }
                sb.append('"');
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c == '"' || c == '\\') {
                        sb.append('\\').append(c);
                    } else if (c < 0x20 || c > 0x7e) {
                        sb.append('\\').append(String.format("%03d", (int) c & 0xff));
                    } else {
                        sb.append(c);
                    }
                }
                sb.append('"');
            }
            return sb.toString();
        }
    }

    record Ptr(String target, long ttl) implements DnsRecord {
        public RecordType type() { return RecordType.PTR; }
        public String data() { return target + "."; }
    }

    record Cname(String target, long ttl) implements DnsRecord {
        public RecordType type() { return RecordType.CNAME; }
        public String data() { return target + "."; }
    }

    record Ns(String target, long ttl) implements DnsRecord {
        public RecordType type() { return RecordType.NS; }
        public String data() { return target + "."; }
    }

    record Soa(String mname, String rname, long serial, long minimum, long ttl) implements DnsRecord {
        public RecordType type() { return RecordType.SOA; }
        public String data() { return mname + ". " + rname + ". " + serial + " ... " + minimum; }
    }

    /** RFC 6698 TLSA: usage, selector, matching type and the association data. */
    record Tlsa(int usage, int selector, int matchingType, byte[] association, long ttl) implements DnsRecord {
        public RecordType type() { return RecordType.TLSA; }
        public String data() { return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(association); }

        /**
         * RFC 6698 2.1.2-2.1.3: whether this record's association data is {@code c} itself (selector 0) or its
         * SubjectPublicKeyInfo (selector 1), in full (matching type 0) or as its SHA-256 (1) or SHA-512 (2) digest.
         * Which certificate of a chain to try is the usage's business (the caller's). Unknown matching
         * types and certificates that cannot be encoded match nothing; any selector other than 0 is taken as 1.
         */
        public boolean matches(java.security.cert.X509Certificate c) {
            try {
                byte[] data = selector == 0 ? c.getEncoded() : c.getPublicKey().getEncoded();
                byte[] digest = switch (matchingType) {
                    case 0 -> data;
                    case 1 -> java.security.MessageDigest.getInstance("SHA-256").digest(data);
                    case 2 -> java.security.MessageDigest.getInstance("SHA-512").digest(data);
                    default -> null;
                };
                return digest != null && java.security.MessageDigest.isEqual(digest, association);
            } catch (java.security.cert.CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
                return false;
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tlsa t && t.usage == usage && t.selector == selector && t.matchingType == matchingType
                    && java.util.Arrays.equals(t.association, association);
        }

        @Override
        public int hashCode() {
            return Objects.hash(usage, selector, matchingType, java.util.Arrays.hashCode(association));
        }
    }

    /** Any other type, kept in presentation form. */
    record Other(RecordType type, String data, long ttl) implements DnsRecord {
    }
}
