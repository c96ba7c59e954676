package io.dbbackup.store;

import io.dbbackup.testkit.Cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restore day with read-only credentials for the store, the same for every store: two backups (the newest pinned)
 * written with the job's own credentials, then the config given credentials that may only read and list. Every verb
 * a recovery needs answers as usual and the store is left exactly as it was; every verb that writes fails with exit 2
 * and the store's refusal, and still writes nothing.
 */
public final class RestoreDay {
    private RestoreDay() {
    }

    /** The refusals of the verbs that write ({@code backup}, {@code prune}, {@code pin}, {@code pin --remove}), for the store's own assertions. */
    public record Refusals(List<Cli.Result> results) {
    }

    /**
     * In {@code dir} (which holds {@code app.db}), with {@code readWrite} and {@code readOnly} as the bodies of
     * {@code stores.remote} (indented by 4 spaces); {@code snapshot} lists what the store holds (keys, sizes, times,
     * unfinished uploads).
     */
    public static Refusals run(Path dir, Cli cli, String readWrite, String readOnly, Callable<List<String>> snapshot)
            throws Exception {
        for (String folder : List.of("scratch", "restored", "downloads")) {
            Files.createDirectories(dir.resolve(folder));
        }
        config(dir, readWrite);
        for (int i = 0; i < 2; i++) {
            Cli.Result b = cli.run("-c", "config.yaml", "backup", "app");
            assertThat(b.exit()).as(b.toString()).isZero();
            Thread.sleep(1100); // a key per second
        }
        Cli.Result pin = cli.run("-c", "config.yaml", "pin", "app");
        assertThat(pin.exit()).as(pin.toString()).isZero();
        String pinned = pin.out().replaceFirst("(?s)^pinned \\S*/(\\S+):.*", "$1");
        List<String> before = snapshot.call();
        assertThat(before).as("two backups with sidecars, manifests and a pin").hasSizeGreaterThanOrEqualTo(7);

        config(dir, readOnly);
        for (String[] verb : List.of(new String[] {"list", "app"}, new String[] {"list", "--all"},
                new String[] {"show", "app", "--contents"}, new String[] {"verify", "app", "--deep"},
                new String[] {"verify", "--all", "--all-backups"}, new String[] {"download", "app", "-o", "downloads/"},
                new String[] {"restore", "app", "--to", "restored", "--dry-run"},
                new String[] {"restore", "app", "--to", "restored", "--auto-confirm"},
                new String[] {"drill", "app", "--to", "scratch"}, new String[] {"prune", "app", "--dry-run"})) {
            Cli.Result r = cli.run(prepend("-c", "config.yaml", verb));
            assertThat(r.exit()).as(String.join(" ", verb) + ": " + r).isZero();
        }
        assertThat(dir.resolve("restored/app.db")).exists();
        assertThat(snapshot.call()).as("nothing written, replaced or removed in the store").isEqualTo(before);

        List<Cli.Result> refusals = new ArrayList<>();
        for (String[] verb : List.of(new String[] {"backup", "app"}, new String[] {"prune", "app"},
                new String[] {"pin", "app", "--note", "legal hold"}, new String[] {"pin", "--remove", "app", pinned})) {
            // (pin with a note: a pin without one on the pinned newest writes nothing, so it is no writing verb)
            Cli.Result r = cli.run(prepend("-c", "config.yaml", verb));
            assertThat(r.exit()).as(String.join(" ", verb) + ": " + r).isEqualTo(2);
            refusals.add(r);
        }
        assertThat(snapshot.call()).as("a refused write leaves nothing behind").isEqualTo(before);
        return new Refusals(refusals);
    }

    private static String[] prepend(String a, String b, String[] rest) {
        String[] all = new String[rest.length + 2];
        all[0] = a;
        all[1] = b;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

    /** Writes config.yaml: job {@code app} (prefix prod, keep_last 1) in {@code store}; datasources app, restored, scratch. */
    public static void config(Path dir, String store) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: zstd}
                  restored: {engine: sqlite, path: restored/app.db}
                  scratch: {engine: sqlite, path: scratch/drill.db}
                stores:
                  remote:
                %s
                jobs:
                  app:
                    datasource: app
                    store: remote
                    prefix: prod
                    retention: {keep_last: 1}
                """.formatted(store.stripTrailing()));
    }
}
