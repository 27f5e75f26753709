package org.mailward.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;

class DkimKeyFileTest {

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    @Test
    void rsaPrivateKeyGivesTheSpkiOfItsPublicKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        String want = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(kp.getPublic().getEncoded());
        DkimKeyFile.Result.Ok pkcs8 = (DkimKeyFile.Result.Ok) DkimKeyFile.fromPem(pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
        assertThat(pkcs8.value()).isEqualTo(want);
        assertThat(pkcs8.bits()).isEqualTo(2048);
        byte[] pkcs1 = PrivateKeyInfo.getInstance(kp.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
        assertThat(((DkimKeyFile.Result.Ok) DkimKeyFile.fromPem(pem("RSA PRIVATE KEY", pkcs1))).value()).isEqualTo(want);
        assertThat(((DkimKeyFile.Result.Ok) DkimKeyFile.fromPem(pem("PUBLIC KEY", kp.getPublic().getEncoded()))).value()).isEqualTo(want);
    }

    @Test
    void ed25519PrivateKeyGivesTheRaw32BytePublicKey() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] spki = kp.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length); // RFC 8410: 12-byte prefix + 32-byte key
        DkimKeyFile.Result.Ok ok = (DkimKeyFile.Result.Ok) DkimKeyFile.fromPem(pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
        assertThat(ok.keyType()).isEqualTo("ed25519");
        assertThat(ok.value()).isEqualTo("v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw));
        assertThat(((DkimKeyFile.Result.Ok) DkimKeyFile.fromPem(pem("PUBLIC KEY", spki))).value()).isEqualTo(ok.value());
    }

    @Test
    void badInputIsAnErrorNotAnException() throws Exception {
        assertThat(DkimKeyFile.fromPem("")).isInstanceOf(DkimKeyFile.Result.Invalid.class);
        assertThat(DkimKeyFile.fromPem(null)).isInstanceOf(DkimKeyFile.Result.Invalid.class);
        assertThat(DkimKeyFile.fromPem(pem("CERTIFICATE", new byte[] {1, 2, 3}))).isInstanceOf(DkimKeyFile.Result.Invalid.class);
        KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        assertThat(((DkimKeyFile.Result.Invalid) DkimKeyFile.fromPem(pem("PRIVATE KEY", ec.getPrivate().getEncoded()))).reason())
                .contains("RSA or Ed25519");
    }

    /** Mutated key files (flipped, dropped, truncated bytes of valid DER) never throw. */
    @Test
    void fuzzMutatedKeys() throws Exception {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        byte[][] valid = {g.generateKeyPair().getPrivate().getEncoded(), KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded()};
        String[] labels = {"PRIVATE KEY", "RSA PRIVATE KEY", "PUBLIC KEY"};
        for (int i = 0; i < 3000; i++) {
            byte[] der = valid[rnd.nextInt(2)].clone();
            switch (rnd.nextInt(3)) {
                case 0 -> der[rnd.nextInt(der.length)] ^= (byte) (1 + rnd.nextInt(255));
                case 1 -> der = Arrays.copyOf(der, rnd.nextInt(der.length));
                default -> {
                    for (int k = 0; k < 4; k++) {
                        der[rnd.nextInt(der.length)] = (byte) rnd.nextInt(256);
                    }
                }
            }
            String text = pem(labels[rnd.nextInt(3)], der);
            try {
                assertThat(DkimKeyFile.fromPem(text)).isNotNull();
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " case " + i + " threw " + e, e);
            }
        }
    }
}
