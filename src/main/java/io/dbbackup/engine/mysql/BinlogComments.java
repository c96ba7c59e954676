package io.dbbackup.engine.mysql;

import io.dbbackup.spi.WatchingSink;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passes a dump through unchanged and reads, as it goes by, the binary log position that {@code --master-data=2}
 * ({@code --source-data=2}) writes as a comment near its start: {@code -- CHANGE MASTER TO MASTER_LOG_FILE='binlog.000001',
 * MASTER_LOG_POS=4194;} (MySQL 8.0.26+: {@code CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE=…, SOURCE_LOG_POS=…}), and the
 * GTID position mariadb-dump writes after the data ({@code -- SET GLOBAL gtid_slave_pos='0-1-42';}). The first position
 * comment counts (the dump's own, before any table); the last GTID comment (the dump's own, after any routine body that
 * might hold such a line). Only lines starting {@code -- } are looked at, each up to {@value #LONGEST} bytes: no copy of
 * the dump, no second pass.
 */
final class BinlogComments extends WatchingSink {
    private static final int LONGEST = 512;
    private static final byte[] START = "-- ".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern CHANGE = Pattern.compile(
            "-- CHANGE (?:MASTER|REPLICATION SOURCE) TO (?:MASTER|SOURCE)_LOG_FILE='([^']+)', (?:MASTER|SOURCE)_LOG_POS=(\\d+);");
    private static final Pattern GTID = Pattern.compile("-- SET GLOBAL gtid_slave_pos='([0-9,\\-]+)';");

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean skipping;
    private String file;
    private long position;
    private String gtid;

    BinlogComments(OutputStream out) {
        super(out);
    }

    @Override
    protected void watch(byte[] b, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            byte c = b[i];
            if (c == '\n') {
                if (!skipping) {
                    read(line.toString(StandardCharsets.UTF_8).strip());
                }
                line.reset();
                skipping = false;
            } else if (!skipping) {
                int at = line.size();
                line.write(c);
                skipping = at < START.length ? c != START[at] : at >= LONGEST;
            }
        }
    }

    private void read(String text) {
        if (file == null) {
            Matcher m = CHANGE.matcher(text);
            if (m.matches()) {
                file = m.group(1);
                position = Long.parseLong(m.group(2));
                return;
            }
        }
        Matcher g = GTID.matcher(text);
        if (g.matches()) {
            gtid = g.group(1);
        }
    }

    /** The position the dump wrote, once it ended; empty when it wrote none (binary logging off, option not given). */
    Optional<BinlogPosition> position() {
        return file == null ? Optional.empty() : Optional.of(new BinlogPosition(file, position, gtid));
    }
}
