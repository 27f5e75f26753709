package org.mailward.smtp;

/** Checks SMTP AUTH credentials (RFC 4954). Implementations compare in constant time and never log passwords. */
@FunctionalInterface
public interface Authenticator {
    boolean authenticate(String user, String password);
}
