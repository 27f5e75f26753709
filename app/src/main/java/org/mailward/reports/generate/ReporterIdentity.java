package org.mailward.reports.generate;

import java.util.Locale;
import java.util.Objects;

/**
 * Who we are in the reports we send: report_metadata org_name and email (RFC 7489 Appendix C; RFC 8460 4.4
 * organization-name and contact-info) and the submitter domain used in file names and subjects (RFC 7489
 * 7.2.1.1 "receiver", RFC 8460 5.1 "sender"/5.3 TLS-Report-Submitter).
 *
 * @param orgName   report_metadata/org_name
 * @param email     report_metadata/email, also the envelope and header sender of the report mail
 * @param submitter our domain name (lower case), e.g. the gateway's host name
 */
public record ReporterIdentity(String orgName, String email, String submitter) {

    public ReporterIdentity {
        Objects.requireNonNull(orgName);
        Objects.requireNonNull(email);
        submitter = submitter.toLowerCase(Locale.ROOT);
        if (orgName.isBlank() || submitter.isBlank() || email.indexOf('@') <= 0 || email.endsWith("@")) {
            throw new IllegalArgumentException("reporter identity needs an organisation name, an e-mail address and a submitter domain");
        }
    }

    /**
     * Defaults for what was not configured, from our host name (the {@code reporter} column of the events):
     * org name and submitter = the host name, e-mail = postmaster at the host name.
     */
    public static ReporterIdentity of(String orgName, String email, String hostName) {
        String host = hostName.toLowerCase(Locale.ROOT);
        String mail = email == null || email.isBlank() ? "postmaster@" + host : email;
        String org = orgName == null || orgName.isBlank() ? host : orgName;
        String submitter = email == null || email.isBlank() ? host : mail.substring(mail.lastIndexOf('@') + 1);
        return new ReporterIdentity(org, mail, submitter);
    }
}
