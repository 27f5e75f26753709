package org.mailward.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.mailward.dns.ZoneFileResolver;

class FcrdnsTest {

    static final ZoneFileResolver ZONE = ZoneFileResolver.fromText("""
            2.0.0.127.in-addr.arpa.  IN PTR other.example.
            2.0.0.127.in-addr.arpa.  IN PTR mail.example.
            mail.example.            IN A   127.0.0.2
            other.example.           IN A   127.0.0.7
            3.0.0.127.in-addr.arpa.  IN PTR liar.example.
            liar.example.            IN A   127.0.0.99
            1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa. IN PTR v6.example.
            v6.example.              IN AAAA ::1
            """);

    @Test
    void passWhenOnePtrNameResolvesBack() throws Exception {
        Fcrdns f = Fcrdns.check(ZONE, InetAddress.getByName("127.0.0.2"));
        assertThat(f.result()).isEqualTo("pass");
        assertThat(f.name()).isEqualTo("mail.example");
        assertThat(Fcrdns.check(ZONE, InetAddress.getByName("::1")).result()).isEqualTo("pass");
    }

    @Test
    void failWhenNoNameResolvesBackPermerrorWithoutPtr() throws Exception {
        Fcrdns f = Fcrdns.check(ZONE, InetAddress.getByName("127.0.0.3"));
        assertThat(f.result()).isEqualTo("fail");
        assertThat(f.name()).isEmpty();
        assertThat(f.detail()).contains("liar.example");
        assertThat(Fcrdns.check(ZONE, InetAddress.getByName("127.0.0.4")).result()).isEqualTo("permerror");
    }
}
