import io.dbbackup.core.BackupKey;
import io.dbbackup.core.RetentionPolicy;
import io.dbbackup.retention.GfsPolicy;
import io.dbbackup.retention.RetentionDecision;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The prune decision alone, in a fresh JVM: N key names (one backup an hour) parsed as backup keys
 * and given to the GFS policy, as `prune` does after listing. Prints the first (cold) decision and
 * the median of five more; run by bench/pipeline.sh as
 * {@code java -cp target/dbbackup.jar bench/PruneDecision.java 100000}.
 */
public class PruneDecision {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
        Instant t = Instant.parse("2026-11-30T03:00:00Z");
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add("bench/bench-" + f.format(t.minus(Duration.ofHours(i))) + ".dump.zst");
        }
        RetentionPolicy policy = new RetentionPolicy(3, 0, 7, 4, 12, 5, ZoneId.of("Europe/Berlin"));
        long t0 = System.nanoTime();
        RetentionDecision d = decide(names, policy);
        double cold = (System.nanoTime() - t0) / 1e6;
        double[] warm = new double[5];
        for (int i = 0; i < warm.length; i++) {
            long s = System.nanoTime();
            decide(names, policy);
            warm[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(warm);
        System.out.printf("prune decision over %d names: cold_ms=%.1f warm_ms=%.1f kept=%d deleted=%d%n",
                n, cold, warm[warm.length / 2], d.keep().size(), d.delete().size());
    }

    private static RetentionDecision decide(List<String> names, RetentionPolicy policy) {
        List<BackupKey> keys = new ArrayList<>(names.size());
        for (String name : names) {
            keys.add(BackupKey.parse(name, "", "bench").orElseThrow());
        }
        return GfsPolicy.decide(keys, policy);
    }
}
