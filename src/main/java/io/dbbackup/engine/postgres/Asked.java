package io.dbbackup.engine.postgres;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A question (a server's version, a client's version) asked on a thread of its own while the dump tool
 * already runs: each is a process start and a round trip, and the tool does not need their answers
 * to start, only to be judged afterwards.
 */
final class Asked<T> {
    interface Question<T> {
        T ask() throws IOException;
    }

    private final CompletableFuture<T> answer = new CompletableFuture<>();

    private Asked() {
    }

    static <T> Asked<T> start(String name, Question<T> question) {
        Asked<T> asked = new Asked<>();
        Thread t = new Thread(() -> {
            try {
                asked.answer.complete(question.ask());
            } catch (Throwable e) {
                asked.answer.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return asked;
    }

    static <T> Asked<T> answered(T value) {
        Asked<T> asked = new Asked<>();
        asked.answer.complete(value);
        return asked;
    }

    /** The answer, or the question's own exception. */
    T get() throws IOException {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + e.getMessage());
        }
    }
}
