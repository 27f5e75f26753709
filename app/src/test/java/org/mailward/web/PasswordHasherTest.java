package org.mailward.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    @Test
    void productionHashUsesAtLeast600kIterationsAndVerifies() {
        String h = new PasswordHasher(new SecureRandom()).hash("s3cret".toCharArray());
        String[] parts = h.split("\\$");
        assertThat(parts[0]).isEqualTo("pbkdf2-sha256");
        assertThat(Integer.parseInt(parts[1])).isGreaterThanOrEqualTo(600_000);
        assertThat(PasswordHasher.verify("s3cret".toCharArray(), h)).isTrue();
        assertThat(PasswordHasher.verify("s3creT".toCharArray(), h)).isFalse();
    }

    @Test
    void saltMakesEveryHashDifferent() {
        PasswordHasher p = new PasswordHasher(new SecureRandom(), 1_000);
        assertThat(p.hash("x".toCharArray())).isNotEqualTo(p.hash("x".toCharArray()));
    }

    @Test
    void malformedStoredValuesNeverVerify() {
        for (String bad : new String[] {"", "plain", "pbkdf2-sha256$x$AA$AA", "pbkdf2-sha256$1000$!!$AA",
                "md5$1000$AA$AA", "pbkdf2-sha256$0$AA$AA", "pbkdf2-sha256$1000$AA"}) {
            assertThat(PasswordHasher.verify("x".toCharArray(), bad)).as(bad).isFalse();
        }
    }
}
