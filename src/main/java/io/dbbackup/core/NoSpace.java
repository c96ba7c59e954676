package io.dbbackup.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What a file system's "No space left on device" (ENOSPC) ran out of. The system says the same for a disk whose bytes are
 * used up and for one whose inodes are (many small files: WAL segments, sidecars, a busy /tmp), and the on-call person sent
 * to free gigabytes that are there loses the night. When the file system's inodes are (nearly) all used, the reason says
 * so, with its mount point and its free bytes; otherwise the system's words stay, a full disk's. Free inodes are read with
 * {@code df -P -i} (GNU, BusyBox and BSD all have it; Java has no statvfs for inodes): one short process, only on ENOSPC.
 */
public final class NoSpace {
    /** strerror(ENOSPC). */
    public static final String ENOSPC = "No space left on device";
    private static final long DF_SECONDS = 5;

    private NoSpace() {
    }

    /** {@code reason}, a failed operation's on {@code file} (null: unknown), said as inodes run out when they did. */
    public static String reason(Path file, String reason) {
        if (file == null || reason == null || !reason.contains(ENOSPC)) {
            return reason;
        }
        Inodes inodes = Inodes.of(file);
        return inodes == null || !inodes.out() ? reason : reason.replace(ENOSPC, inodes.said());
    }

    /**
     * A file system's inodes as {@code df -P -i} counts them, and its usable bytes.
     *
     * @param mount its mount point
     * @param total inodes it has (0: it makes them as needed, as btrfs does, and never runs out)
     */
    record Inodes(String mount, long total, long free, long freeBytes) {
        /** Out: none left, or so few (at most 16, or a thousandth) that the ones the failed step freed are all there is. */
        boolean out() {
            return total > 0 && free <= Math.max(16, total / 1000);
        }

        String said() {
            return "no inodes left on " + mount + " (" + Human.size(freeBytes) + " free): too many files; remove files "
                    + "there (old WAL segments, stale temporary files) or move them to another file system — freeing bytes "
                    + "does not help";
        }

        /** Those of the file system holding {@code file} (or its nearest existing folder); null when df cannot say. */
        static Inodes of(Path file) {
            Path at = file.toAbsolutePath();
            while (at != null && !Files.exists(at)) {
                at = at.getParent();
            }
            if (at == null) {
                return null;
            }
            try {
                long freeBytes = Files.getFileStore(at).getUsableSpace();
                ProcessBuilder pb = new ProcessBuilder("df", "-P", "-i", "--", at.toString())
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("LC_ALL", "C");
                Process df = pb.start();
                df.getOutputStream().close();
                // waited for before its output is read (two short lines, well within a pipe's buffer): a df that hangs
                // (an NFS server gone) is given up on
                if (!df.waitFor(DF_SECONDS, TimeUnit.SECONDS)) {
                    df.destroyForcibly();
                    return null;
                }
                byte[] out = df.getInputStream().readNBytes(64 * 1024);
                return df.exitValue() == 0 ? parse(new String(out, StandardCharsets.UTF_8), freeBytes) : null;
            } catch (IOException | RuntimeException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        /** {@code df -P -i}'s output: a header, then "device inodes used free use% mount point"; null if not that. */
        static Inodes parse(String df, long freeBytes) {
            String[] lines = df.strip().split("\n");
            if (lines.length < 2) {
                return null;
            }
            String[] f = lines[lines.length - 1].strip().split("\\s+", 6);
            if (f.length < 6) {
                return null;
            }
            try {
                return new Inodes(f[5], Long.parseLong(f[1]), Long.parseLong(f[3]), freeBytes);
            } catch (NumberFormatException e) {
                return null; // "-" where a file system has no inode count
            }
        }
    }
}
