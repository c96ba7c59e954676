package io.dbbackup.job;

import io.dbbackup.core.BuildInfo;

/** The tool's version, from the build ({@link BuildInfo}). */
public final class Version {
    private Version() {
    }

    /** The version in the pom, e.g. {@code 0.1.0}: a manifest's {@code tool_version}. */
    public static String get() {
        return BuildInfo.current().version();
    }

    /** What {@code --version} prints: {@code dbbackup 0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-05T19:40:00Z)}. */
    public static String line() {
        return "dbbackup " + BuildInfo.current().describe();
    }
}
