package org.mailward.check.rpki;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Validated ROA payloads (RFC 6811 2: prefix, maximum length, origin AS) from the JSON export of a relying party
 * (rpki-client {@code -j}, Routinator {@code --format json}): {@code {"roas": [{"prefix": "192.0.2.0/24",
 * "maxLength": 24, "asn": 64496 | "AS64496"}, ...]}}. Other members are ignored. Malformed input is rejected with a
 * message naming the entry.
 */
public record Vrps(List<Vrp> entries) {

    /** One VRP. */
    public record Vrp(IpPrefix prefix, int maxLength, long asn) {
    }

    public Vrps {
        entries = List.copyOf(entries);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    public static Vrps parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("VRP file is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("roas").isArray()) {
            throw new IllegalArgumentException("VRP file: expected an object with a \"roas\" array");
        }
        List<Vrp> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : root.get("roas")) {
            String where = "VRP file: roas[" + i++ + "]: ";
            if (!n.isObject()) {
                throw new IllegalArgumentException(where + "not an object");
            }
            JsonNode p = n.get("prefix");
            JsonNode m = n.get("maxLength");
            JsonNode a = n.get("asn");
            if (p == null || !p.isTextual()) {
                throw new IllegalArgumentException(where + "prefix missing or not a string");
            }
            if (m == null || !m.canConvertToInt() || !m.isIntegralNumber()) {
                throw new IllegalArgumentException(where + "maxLength missing or not an integer");
            }
            if (a == null || !(a.isTextual() || a.isIntegralNumber())) {
                throw new IllegalArgumentException(where + "asn missing");
            }
            try {
                IpPrefix prefix = IpPrefix.parse(p.asText());
                int max = m.asInt();
                // RFC 6482 3.3: maxLength is at least the prefix length and at most the address size.
                if (max < prefix.length() || max > prefix.bits()) {
                    throw new IllegalArgumentException("maxLength " + max + " outside " + prefix.length() + ".." + prefix.bits());
                }
                out.add(new Vrp(prefix, max, IpPrefix.asn(a.isTextual() ? a.asText() : a.asText())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }
        return new Vrps(out);
    }
}
