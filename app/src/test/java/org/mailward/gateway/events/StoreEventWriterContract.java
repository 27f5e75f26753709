package org.mailward.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mailward.store.Database;

/** Gateway events land in the V3 tables, on H2 and on PostgreSQL; the writer never throws at its callers. */
abstract class StoreEventWriterContract {

    abstract Database openFresh() throws Exception;

    static AuthenticationEvent authEvent(String from, String action) {
        return new AuthenticationEvent(Instant.ofEpochSecond(1_800_000_000L), "mx.test.example", "127.0.0.2", "client.example",
                "pass", "mail.good.example", "<1@good.example>", from, "bounce.example", List.of("a.example", "b.example"), 3,
                "fail", "reject", false, true, List.of("local_policy: override x"),
                Optional.of(new AuthenticationEvent.PolicyPublished(from, "reject", "quarantine", "", 50, "s", "r", "1:d", "n")),
                Optional.of("p"),
                List.of(new AuthenticationEvent.DkimSignature("other.example", "sel", "fail", false, "body hash mismatch"),
                        new AuthenticationEvent.DkimSignature("good.example", "s2", "pass", true, "")),
                "bounce.example", "mfrom", "pass", "none", action, "DMARC policy of " + from + " is reject", "x");
    }

    @Test
    void authenticationAndDeliveryEventsAreStoredWithEveryReportField() throws Exception {
        try (Database db = openFresh(); StoreEventWriter w = new StoreEventWriter(db, "mx.test.example", 100)) {
            w.recordAuthentication(authEvent("good.example", "reject"));
            w.recordAuthentication(new AuthenticationEvent(Instant.ofEpochSecond(1_800_000_001L), "mx.test.example", "::1", "",
                    "permerror", "", "", "", "", List.of("a.example"), 1, "none", "none", false, false, List.of(), Optional.empty(),
                    Optional.empty(), List.of(), "", "", "none", "none", "none", "", ""));
            w.recordDelivery(new DeliveryTlsEvent(Instant.ofEpochSecond(1_800_000_002L), "Q1", "dest.example", "mx.dest.example",
                    "127.0.0.9", DeliveryTlsEvent.NO_POLICY_FOUND, "", DeliveryTlsEvent.SUCCESS, "", "TLSv1.3", "TLS_AES_256_GCM_SHA384"));
            w.recordDelivery(new DeliveryTlsEvent(Instant.ofEpochSecond(1_800_000_003L), "Q2", "dest.example", "mx2.dest.example",
                    "127.0.0.10", DeliveryTlsEvent.NO_POLICY_FOUND, "", "starttls-not-supported", "no STARTTLS", "", ""));
            assertThat(w.awaitWritten(Duration.ofSeconds(10))).isTrue();
            assertThat(w.failed()).isZero();
            try (Connection c = db.connection(); Statement s = c.createStatement()) {
                try (ResultSet r = s.executeQuery("SELECT * FROM auth_event ORDER BY event_ts")) {
                    assertThat(r.next()).isTrue();
                    assertThat(r.getLong("event_ts")).isEqualTo(1_800_000_000L);
                    assertThat(r.getString("reporter")).isEqualTo("mx.test.example");
                    assertThat(r.getString("source_ip")).isEqualTo("127.0.0.2");
                    assertThat(r.getString("iprev")).isEqualTo("pass");
                    assertThat(r.getString("header_from")).isEqualTo("good.example");
                    assertThat(r.getString("envelope_from")).isEqualTo("bounce.example");
                    assertThat(r.getString("envelope_to")).isEqualTo("a.example,b.example");
                    assertThat(r.getInt("recipient_count")).isEqualTo(3);
                    assertThat(r.getString("dmarc_result")).isEqualTo("fail");
                    assertThat(r.getString("disposition")).isEqualTo("reject");
                    assertThat(r.getString("dkim_aligned")).isEqualTo("fail");
                    assertThat(r.getString("spf_aligned")).isEqualTo("pass");
                    assertThat(r.getString("override_reasons")).isEqualTo("local_policy: override x");
                    assertThat(r.getString("policy_domain")).isEqualTo("good.example");
                    assertThat(r.getString("policy_p")).isEqualTo("reject");
                    assertThat(r.getString("policy_sp")).isEqualTo("quarantine");
                    assertThat(r.getInt("policy_pct")).isEqualTo(50);
                    assertThat(r.getString("policy_adkim")).isEqualTo("s");
                    assertThat(r.getString("policy_aspf")).isEqualTo("r");
                    assertThat(r.getString("policy_fo")).isEqualTo("1:d");
                    assertThat(r.getString("applied_policy")).isEqualTo("p");
                    JsonNode dkim = new ObjectMapper().readTree(r.getString("dkim_results"));
                    assertThat(dkim).hasSize(2);
                    assertThat(dkim.get(0).get("domain").asText()).isEqualTo("other.example");
                    assertThat(dkim.get(0).get("selector").asText()).isEqualTo("sel");
                    assertThat(dkim.get(0).get("result").asText()).isEqualTo("fail");
                    assertThat(dkim.get(1).get("aligned").asBoolean()).isTrue();
                    assertThat(r.getString("spf_domain")).isEqualTo("bounce.example");
                    assertThat(r.getString("spf_scope")).isEqualTo("mfrom");
                    assertThat(r.getString("spf_result")).isEqualTo("pass");
                    assertThat(r.getString("action")).isEqualTo("reject");
                    assertThat(r.getString("local_override")).isEqualTo("x");
                    assertThat(r.next()).isTrue();
                    assertThat(r.getString("source_ip")).isEqualTo("::1");
                    assertThat(r.getString("policy_domain")).isNull();
                    r.getInt("policy_pct");
                    assertThat(r.wasNull()).isTrue();
                    assertThat(r.getString("dkim_results")).isEqualTo("[]");
                    assertThat(r.next()).isFalse();
                }
                try (ResultSet r = s.executeQuery("SELECT * FROM delivery_tls_event ORDER BY event_ts")) {
                    assertThat(r.next()).isTrue();
                    assertThat(r.getString("queue_id")).isEqualTo("Q1");
                    assertThat(r.getString("recipient_domain")).isEqualTo("dest.example");
                    assertThat(r.getString("mx_host")).isEqualTo("mx.dest.example");
                    assertThat(r.getString("receiving_ip")).isEqualTo("127.0.0.9");
                    assertThat(r.getString("policy_type")).isEqualTo("no-policy-found");
                    assertThat(r.getString("result")).isEqualTo("success");
                    assertThat(r.getString("tls_version")).isEqualTo("TLSv1.3");
                    assertThat(r.getString("cipher")).isEqualTo("TLS_AES_256_GCM_SHA384");
                    assertThat(r.next()).isTrue();
                    assertThat(r.getString("result")).isEqualTo("starttls-not-supported");
                    assertThat(r.getString("failure_detail")).isEqualTo("no STARTTLS");
                    assertThat(r.next()).isFalse();
                }
            }
        }
    }

    @Test
    void overlongValuesAreCutToTheColumnsNotLost() throws Exception {
        String longDomain = "a".repeat(300) + ".example";
        try (Database db = openFresh(); StoreEventWriter w = new StoreEventWriter(db, "mx.test.example", 100)) {
            w.recordAuthentication(authEvent(longDomain, "none"));
            assertThat(w.awaitWritten(Duration.ofSeconds(10))).isTrue();
            assertThat(w.failed()).isZero();
            try (Connection c = db.connection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT header_from FROM auth_event")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).hasSize(255);
            }
        }
    }

    @Test
    void aBrokenStoreOrAClosedWriterNeverThrowsAtTheCaller() throws Exception {
        Database db = openFresh();
        StoreEventWriter w = new StoreEventWriter(db, "mx.test.example", 100);
        db.close(); // every write now fails
        w.recordAuthentication(authEvent("good.example", "none"));
        assertThat(w.awaitWritten(Duration.ofSeconds(20))).isTrue();
        assertThat(w.failed()).isEqualTo(1);
        w.close();
        w.recordAuthentication(authEvent("good.example", "none"));
        assertThat(w.dropped()).isEqualTo(1);
    }
}
