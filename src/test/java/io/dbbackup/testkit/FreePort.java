package io.dbbackup.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Loopback ports for test servers. */
public final class FreePort {
    private FreePort() {
    }

    public static int pick() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** Waits until something accepts connections on {@code port}; false when {@code alive} turns false first. */
    public static boolean awaitListening(int port, Duration timeout, java.util.function.BooleanSupplier alive) {
        return awaitListening(InetAddress.getLoopbackAddress(), port, timeout, alive);
    }

    /** Waits until something accepts connections on {@code address} ({@code ::1} for a server on IPv6) and {@code port}. */
    public static boolean awaitListening(InetAddress address, int port, Duration timeout, java.util.function.BooleanSupplier alive) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive.getAsBoolean()) {
                return false;
            }
            try (Socket s = new Socket(address, port)) {
                return true;
            } catch (IOException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }
}
