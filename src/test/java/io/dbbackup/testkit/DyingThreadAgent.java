package io.dbbackup.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A Java agent for a test's dbbackup process ({@code -javaagent:JAR=CLASS}): once a thread runs a frame of CLASS (say
 * what a command calls once it has parsed its options and set up its log), a thread named {@code injected-worker} dies of an OutOfMemoryError nobody catches —
 * as a worker that ran out of heap would, without filling the heap.
 */
public final class DyingThreadAgent {
    private DyingThreadAgent() {
    }

    public static void premain(String awaited) {
        Thread poller = new Thread(() -> {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                boolean there = Thread.getAllStackTraces().values().stream()
                        .anyMatch(frames -> Arrays.stream(frames).anyMatch(f -> f.getClassName().equals(awaited)));
                if (there) {
                    new Thread(() -> {
                        throw new OutOfMemoryError("Java heap space");
                    }, "injected-worker").start();
                    return;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "dying-thread-agent");
        poller.setDaemon(true);
        poller.start();
    }

    /** The agent's jar, written to {@code dir}: this class, and a manifest naming it Premain-Class. */
    public static Path jar(Path dir) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), DyingThreadAgent.class.getName());
        Path jar = dir.resolve("dying-thread-agent.jar");
        String entry = DyingThreadAgent.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             var in = DyingThreadAgent.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
