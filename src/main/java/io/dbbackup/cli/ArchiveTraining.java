package io.dbbackup.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The run that the launcher's class-data archive is made from ({@code bin/dbbackup}, with
 * {@code -XX:ArchiveClassesAtExit}): backups of the bundled example to a folder (verified), of a 6 MiB
 * database to an S3 endpoint inside this process ({@link TrainingS3Endpoint}: a multipart upload, its
 * answers, then a listing and a verification that read it back), and attempts towards an https S3
 * endpoint and a PostgreSQL server where nothing listens (TLS set-up, the classes starting pg_dump and
 * pg_basebackup). Before, the archive knew only the start of an S3 backup, towards an endpoint that
 * refused the connection.
 *
 * <p>Arguments: the bundled example database and an empty temp folder. Never fails: a training run
 * that goes wrong only makes a smaller archive.
 */
public final class ArchiveTraining {
    static final List<List<String>> COMMAND_LINES = List.of(
            List.of("backup", "shop", "s3"),
            List.of("list", "s3"),
            List.of("verify", "s3"),
            List.of("backup", "s3tls", "pg", "pgp"));

    /** Exit codes of {@link #COMMAND_LINES} and the multipart uploads the endpoint completed. */
    record Result(List<Integer> codes, int multipartUploads) {
    }

    private ArchiveTraining() {
    }

    public static void main(String[] args) {
        NativeLibraries.configure(); // as Main.main: the archive then holds the start-up as it runs
        PrintWriter nowhere = new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        new Signals(); // as Main.system() does first: its handlers and lambdas were spun at every start (~20 ms)
        try {
            run(Path.of(args[0]), Path.of(args[1]), nowhere, nowhere);
        } catch (IOException | RuntimeException e) {
            // a smaller archive
        }
        System.exit(0);
    }

    static Result run(Path exampleDb, Path work, PrintWriter out, PrintWriter err) throws IOException {
        makeDatabase(work.resolve("training.db"));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("TRAINING_KEY", "training");
        env.put("DBBACKUP_TMPDIR", work.toString());
        List<Integer> codes = new ArrayList<>();
        try (TrainingS3Endpoint s3 = new TrainingS3Endpoint(); InputStream template = ArchiveTraining.class
                .getResourceAsStream("archive-training.yaml")) {
            Path config = work.resolve("training.yaml");
            Files.writeString(config, new String(template.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@SHOP_DB@", exampleDb.toAbsolutePath().toString())
                    .replace("@WORK@", work.toAbsolutePath().toString())
                    .replace("@S3@", s3.uri().toString()));
            for (List<String> line : COMMAND_LINES) {
                List<String> args = new ArrayList<>(List.of("-q", "-c", config.toString()));
                args.addAll(line);
                try {
                    codes.add(new Main(env, Clock.systemUTC(), new ConsoleConfirmer(), work).run(out, err, args.toArray(String[]::new)));
                } catch (RuntimeException e) {
                    codes.add(-1); // the next command line still trains
                }
            }
            return new Result(codes, s3.completedMultipartUploads());
        }
    }

    private static void makeDatabase(Path db) throws IOException {
        Files.deleteIfExists(db);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE training (b BLOB)");
            s.execute("INSERT INTO training VALUES (randomblob(6 * 1024 * 1024))");
        } catch (SQLException e) {
            throw new IOException("cannot make the training database " + db + ": " + e.getMessage(), e);
        }
    }
}
