package io.dbbackup.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** A logical backup written into a local store by hand: a SQL script whose checksum holds, for what a dump tool would not write. */
public final class ScriptBackup {
    private ScriptBackup() {
    }

    /**
     * {@code script} gzipped into the store as {@code KEY} (a folder of it under {@code store}), with its sidecar and a
     * manifest that match it: a backup whose checksum holds.
     */
    public static void put(Path store, String key, String job, String engine, String database, String script) throws Exception {
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        byte[] bytes = gz.toByteArray();
        String sha = io.dbbackup.codec.Sha256.hex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        Path file = store.resolve(key);
        Files.createDirectories(file.getParent());
        String name = file.getFileName().toString();
        Files.write(file, bytes);
        Files.write(file.resolveSibling(name + ".sha256"), io.dbbackup.codec.Sha256.sidecar(sha, name));
        Files.writeString(file.resolveSibling(name + ".manifest.json"), "{\"manifest_version\": 1, \"key\": \"" + key
                + "\", \"job\": \"" + job + "\", \"engine\": \"" + engine + "\", \"database\": \"" + database
                + "\", \"format\": \"sql\", \"compression\": \"gzip\", \"size\": " + bytes.length + ", \"sha256\": \""
                + sha + "\"}");
    }
}
