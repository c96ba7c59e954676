package io.dbbackup.core;

/**
 * The cancellation of the operation the current thread works for (a signal, a job's {@code timeout}), for code that
 * cannot see the operation's {@code spi.Cancellation}: a secret's {@code *_command} (config) registers the kill of its
 * process tree, scrypt (codec) polls it in its loop. An operation {@link #enter}s its token on the thread that opens it;
 * threads started while it is open inherit it; once the operation is closed its token is no longer anyone's current
 * one (a thread started under it and reused later does not see a finished operation's cancellation).
 */
public final class CancelSignal {
    /** What a cancellable operation offers to the code below it. */
    public interface Token {
        boolean isCancelled();

        /** Why it was cancelled ("SIGTERM", "timeout"), or null. */
        String reason();

        /**
         * Runs {@code hook} once when the operation is cancelled (at once when it already is), from any thread. Close the
         * registration when what the hook stops has ended: the hook is then dropped, not kept (and run) until the
         * operation ends.
         */
        Registration onCancel(Runnable hook);
    }

    /** A hook's place in a token; closing it drops the hook if it has not run yet. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        Registration NONE = () -> { };

        @Override
        void close();
    }

    /** No operation: never cancelled. */
    public static final Token NONE = new Token() {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public String reason() {
            return null;
        }

        @Override
        public Registration onCancel(Runnable hook) {
            return Registration.NONE;
        }
    };

    private static final InheritableThreadLocal<Scope> CURRENT = new InheritableThreadLocal<>();

    private CancelSignal() {
    }

    /** Makes {@code token} the current thread's (and its future threads') until the scope is closed. */
    public static Scope enter(Token token) {
        Scope s = new Scope(token, CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /**
     * A token cancelled when either of two is: what runs under it stops for its operation's cancellation and for a
     * narrower one (a stream closed from another thread while it asks the store for the rest of an object).
     */
    public static Token anyOf(Token first, Token second) {
        return new Token() {
            @Override
            public boolean isCancelled() {
                return first.isCancelled() || second.isCancelled();
            }

            @Override
            public String reason() {
                String r = first.reason();
                return r != null ? r : second.reason();
            }

            @Override
            public Registration onCancel(Runnable hook) {
                java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
                Runnable once = () -> {
                    if (ran.compareAndSet(false, true)) {
                        hook.run();
                    }
                };
                Registration a = first.onCancel(once);
                Registration b = second.onCancel(once);
                return () -> {
                    a.close();
                    b.close();
                };
            }
        };
    }

    /** The innermost open operation's token, or {@link #NONE}. */
    public static Token current() {
        for (Scope s = CURRENT.get(); s != null; s = s.outer) {
            if (s.open) {
                return s.token;
            }
        }
        return NONE;
    }

    /** An entered token; closing it ends its effect everywhere (also on threads that inherited it). */
    public static final class Scope implements AutoCloseable {
        private final Token token;
        private final Scope outer;
        private final Thread owner = Thread.currentThread();
        private volatile boolean open = true;

        private Scope(Token token, Scope outer) {
            this.token = token;
            this.outer = outer;
        }

        @Override
        public void close() {
            open = false;
            if (Thread.currentThread() == owner && CURRENT.get() == this) {
                CURRENT.set(outer);
            }
        }
    }
}
