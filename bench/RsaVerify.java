// One RS256 (SHA256withRSA, 2048-bit) signature check, the work every service does per request to
// verify an access token, timed under the JIT settings given on the command line (docs/performance.md):
//   java -XX:TieredStopAtLevel=1 bench/RsaVerify.java   vs   java bench/RsaVerify.java
import java.security.*;
public class RsaVerify {
    public static void main(String[] a) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA"); g.initialize(2048);
        KeyPair k = g.generateKeyPair();
        byte[] data = "header.payload-of-a-typical-access-token-with-some-claims".getBytes();
        Signature s = Signature.getInstance("SHA256withRSA"); s.initSign(k.getPrivate()); s.update(data); byte[] sig = s.sign();
        for (int round = 0; round < 3; round++) {
            long t = System.nanoTime(); int n = 20000;
            for (int i = 0; i < n; i++) { Signature v = Signature.getInstance("SHA256withRSA"); v.initVerify(k.getPublic()); v.update(data); if (!v.verify(sig)) throw new AssertionError(); }
            System.out.printf("round %d: %.1f us per verify%n", round, (System.nanoTime() - t) / 1000.0 / n);
        }
    }
}
