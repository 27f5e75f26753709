package org.mailward.gateway.config;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** Submission passwords as {@code pbkdf2-sha256$iterations$salt$hash} (base64), checked in constant time. */
public final class PasswordHash {

    private PasswordHash() {
    }

    public static boolean wellFormed(String h) {
        String[] p = h.split("\\$");
        if (p.length != 4 || !p[0].equals("pbkdf2-sha256") || !p[1].matches("\\d{4,7}")) {
            return false;
        }
        try {
            Base64.getDecoder().decode(p[2]);
            return Base64.getDecoder().decode(p[3]).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static String hash(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        int iterations = 210000;
        return "pbkdf2-sha256$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(derive(password, salt, iterations));
    }

    public static boolean verify(String password, String stored) {
        if (!wellFormed(stored)) {
            return false;
        }
        String[] p = stored.split("\\$");
        byte[] expected = Base64.getDecoder().decode(p[3]);
        byte[] actual = derive(password, Base64.getDecoder().decode(p[2]), Integer.parseInt(p[1]));
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            return f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
