package io.dbbackup.testkit;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Rewrites a stored (unencrypted, .gz or .zst) artifact of a local store as if the dump had been made that
 * way: decodes it, lets {@code change} alter the dump, encodes it again and writes the matching
 * {@code .sha256} sidecar and manifest {@code sha256}/{@code size}. The checksum then holds, so only a
 * check of the dump itself can tell.
 */
public final class Reseal {
    private Reseal() {
    }

    public static void rewrite(Path artifact, UnaryOperator<byte[]> change) throws IOException {
        String name = artifact.getFileName().toString();
        boolean zstd = name.endsWith(".zst");
        if (!zstd && !name.endsWith(".gz")) {
            throw new IllegalArgumentException("only .zst and .gz artifacts: " + name);
        }
        byte[] dump;
        try (InputStream in = zstd ? new ZstdInputStream(Files.newInputStream(artifact))
                : new GZIPInputStream(Files.newInputStream(artifact))) {
            dump = in.readAllBytes();
        }
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        try (OutputStream out = zstd ? new ZstdOutputStream(encoded) : new GZIPOutputStream(encoded)) {
            out.write(change.apply(dump));
        }
        byte[] stored = encoded.toByteArray();
        Files.write(artifact, stored);
        String sha = TestBytes.sha256(new ByteArrayInputStream(stored));
        Files.writeString(artifact.resolveSibling(name + ".sha256"), sha + "  " + name + "\n");
        Path manifest = artifact.resolveSibling(name + ".manifest.json");
        String json = Files.readString(manifest)
                .replaceFirst("\"sha256\"\\s*:\\s*\"[0-9a-f]{64}\"", "\"sha256\": \"" + sha + "\"")
                .replaceFirst("\"size\"\\s*:\\s*\\d+", "\"size\": " + stored.length);
        Files.writeString(manifest, json);
    }

    /** The first {@code n} bytes. */
    public static UnaryOperator<byte[]> cutAt(int n) {
        return b -> java.util.Arrays.copyOf(b, n);
    }
}
