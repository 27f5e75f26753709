package org.mailward.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZoneFileResolverTest {

    private static final String ZONE = """
            $TTL 300
            example.com.            IN TXT   "v=spf1 " "ip4:192.0.2.0/24 -all"
            example.com.            IN TXT   "unrelated"
            example.com.            IN MX    10 mx1.example.com.
            example.com.            IN MX    20 mx2.example.com.
            mx1.example.com.   600  IN A     192.0.2.25
            mx1.example.com.        IN AAAA  2001:db8::25
            alias.example.com.      IN CNAME mx1.example.com.
            loop1.example.com.      IN CNAME loop2.example.com.
            loop2.example.com.      IN CNAME loop1.example.com.
            deep.sub.example.com.   IN TXT   "deep"
            *.wild.example.com.     IN TXT   "wildcard"
            escaped.example.com.    IN TXT   "a\\"b\\\\c\\255"
            25.2.0.192.in-addr.arpa. IN PTR  mx1.example.com.
            $ORIGIN other.org.
            @                       IN TXT   "v=DMARC1; p=reject"
            www                     IN A     198.51.100.7
            """;

    private final ZoneFileResolver resolver = ZoneFileResolver.fromText(ZONE);

    @Test
    void txtStringsAreJoinedWithNoSeparatorButKeptRaw() {
        DnsAnswer a = resolver.query("example.com", RecordType.TXT);
        assertThat(a.status()).isEqualTo(DnsStatus.RECORDS);
        assertThat(a.texts()).containsExactly("v=spf1 ip4:192.0.2.0/24 -all", "unrelated");
        assertThat(a.recordsOf(DnsRecord.Txt.class).get(0).strings()).containsExactly("v=spf1 ", "ip4:192.0.2.0/24 -all");
        assertThat(a.minTtl()).isEqualTo(300);
    }

    @Test
    void escapesInTxtAreDecodedByteForByte() {
        String text = resolver.query("escaped.example.com", RecordType.TXT).texts().get(0);
        assertThat(text).isEqualTo("a\"b\\c\u00ff");
    }

    @Test
    void namesAreCaseInsensitiveAndTrailingDotIsIgnored() {
        assertThat(resolver.query("MX1.Example.COM.", RecordType.A).records())
                .singleElement().extracting(DnsRecord::data).isEqualTo("192.0.2.25");
    }

    @Test
    void mxRecordsAreTyped() {
        List<DnsRecord.Mx> mx = resolver.query("example.com", RecordType.MX).recordsOf(DnsRecord.Mx.class);
        assertThat(mx).extracting(DnsRecord.Mx::preference, DnsRecord.Mx::exchange)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(10, "mx1.example.com"), org.assertj.core.groups.Tuple.tuple(20, "mx2.example.com"));
    }

    @Test
    void nxdomainNodataAndEmptyNonTerminalsAreKeptApart() {
        assertThat(resolver.query("nope.example.com", RecordType.TXT).status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(resolver.query("mx1.example.com", RecordType.TXT).status()).isEqualTo(DnsStatus.NODATA);
        assertThat(resolver.query("sub.example.com", RecordType.TXT).status()).isEqualTo(DnsStatus.NODATA);
        assertThat(resolver.query("unrelated.net", RecordType.A).status()).isEqualTo(DnsStatus.NXDOMAIN);
    }

    @Test
    void cnamesAreFollowedAndRecorded() {
        DnsAnswer a = resolver.query("alias.example.com", RecordType.AAAA);
        assertThat(a.status()).isEqualTo(DnsStatus.RECORDS);
        assertThat(a.cnameChain()).containsExactly("mx1.example.com");
        assertThat(resolver.query("alias.example.com", RecordType.CNAME).records()).singleElement()
                .extracting(DnsRecord::data).isEqualTo("mx1.example.com.");
    }

    @Test
    void cnameLoopIsServfailNotAHang() {
        DnsAnswer a = resolver.query("loop1.example.com", RecordType.TXT);
        assertThat(a.status()).isEqualTo(DnsStatus.SERVFAIL);
        assertThat(a.detail()).contains("CNAME loop");
    }

    @Test
    void wildcardsAnswerForMissingNamesOnly() {
        assertThat(resolver.query("anything.wild.example.com", RecordType.TXT).texts()).containsExactly("wildcard");
        assertThat(resolver.query("anything.wild.example.com", RecordType.A).status()).isEqualTo(DnsStatus.NODATA);
    }

    @Test
    void originAndRelativeNamesWork() {
        assertThat(resolver.query("other.org", RecordType.TXT).texts()).containsExactly("v=DMARC1; p=reject");
        assertThat(resolver.query("www.other.org", RecordType.A).status()).isEqualTo(DnsStatus.RECORDS);
    }

    @Test
    void reverseNamesAreBuiltForBothFamilies() throws Exception {
        assertThat(Resolver.reverseName(java.net.InetAddress.getByName("192.0.2.25"))).isEqualTo("25.2.0.192.in-addr.arpa");
        assertThat(Resolver.reverseName(java.net.InetAddress.getByName("2001:db8::1")))
                .isEqualTo("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
        assertThat(resolver.query("25.2.0.192.in-addr.arpa", RecordType.PTR).recordsOf(DnsRecord.Ptr.class))
                .singleElement().extracting(DnsRecord.Ptr::target).isEqualTo("mx1.example.com");
    }

    @Test
    void severalFilesAreMergedAndFallbackIsAskedForUnknownNames(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.zone");
        Path b = dir.resolve("b.zone");
        Files.writeString(a, "a.test. 60 IN TXT \"from a\"\n");
        Files.writeString(b, "b.test. 60 IN TXT \"from b\"\n");
        Resolver fallback = (name, type) -> DnsAnswer.of(name, type, List.of(new DnsRecord.Txt(List.of("fallback"), 1)));
        ZoneFileResolver r = ZoneFileResolver.load(List.of(a, b), Optional.of(fallback), false);
        assertThat(r.query("a.test", RecordType.TXT).texts()).containsExactly("from a");
        assertThat(r.query("b.test", RecordType.TXT).texts()).containsExactly("from b");
        assertThat(r.query("c.test", RecordType.TXT).texts()).containsExactly("fallback");
    }

    @Test
    void aBrokenZoneFileIsAClearError(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.zone");
        Files.writeString(bad, "x.test. IN MX notanumber mx.test.\n");
        assertThatThrownBy(() -> ZoneFileResolver.load(List.of(bad))).hasMessageContaining("bad.zone");
    }
}
