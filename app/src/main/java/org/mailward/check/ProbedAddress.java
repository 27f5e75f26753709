package org.mailward.check;

import java.net.InetAddress;
import org.mailward.check.probe.SmtpProbeResult;

/** The SMTP/TLS probe of one address of one MX host. */
public record ProbedAddress(MailHost host, InetAddress address, SmtpProbeResult result) {
    /** {@code mx.example.com 192.0.2.1}: the subject of TLS and CERT findings. */
    public String subject() {
        return host.name() + " " + address.getHostAddress();
    }
}
