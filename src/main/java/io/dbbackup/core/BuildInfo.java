package io.dbbackup.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Which build of dbbackup this is, from {@code io/dbbackup/version.properties} (filtered by Maven at build time): the
 * version in the pom, the git commit it was built from ({@code -dirty} when its sources differed from that commit;
 * {@code unknown} when there was none to tell: a source tarball, an image built without {@code BUILD_COMMIT}) and when it
 * was built (UTC). The version alone cannot tell builds apart: it is raised by releases, not by commits.
 * {@code commitRecorded} is false for a build given an empty commit ({@code mvn -Dbuild.commit=}, which overrides the one
 * a plain {@code mvn package} reads itself, docs/DECISIONS.md "A plain mvn package records the commit"; an image built
 * with an empty {@code BUILD_COMMIT}): its
 * commit is {@code unknown} too, and {@code --version} says why. {@code builder} is who ran Maven when that is not a
 * plain {@code mvn package} ({@code image}: the Dockerfile), empty otherwise.
 */
public record BuildInfo(String version, String commit, String built, boolean commitRecorded, String builder) {
    /** The Dockerfile's build ({@code -Dbuild.builder=image}). */
    public static final String IMAGE = "image";
    public static final String UNKNOWN = "unknown";
    private static final BuildInfo THIS = read();

    /** This build. */
    public static BuildInfo current() {
        return THIS;
    }

    /**
     * {@code 0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-05T19:40:00Z)}; for a build given an empty commit
     * {@code 0.1.0 (commit not recorded: the build was given an empty build.commit, …; built …)}; for an image
     * built with an empty {@code BUILD_COMMIT}, that the image build was not given it and how it is.
     */
    public String describe() {
        if (commitRecorded) {
            return version + of(commit, built);
        }
        String why = IMAGE.equals(builder)
                ? "the image build was not given it (BUILD_COMMIT was empty), docker build --build-arg BUILD_COMMIT=\"$(bin/build-commit)\" gives it"
                : "the build was given an empty build.commit (mvn -Dbuild.commit=), a plain mvn package records it";
        return version + " (commit not recorded: " + why + "; built " + built + ")";
    }

    /**
     * {@code " (commit C, built B)"} for a build a manifest names by its {@code tool_commit}/{@code tool_built} (either may
     * be missing: {@code " (commit C)"}); empty for a manifest written before builds said so.
     */
    public static String of(Object commit, Object built) {
        if (!(commit instanceof String c) || c.isBlank()) {
            return "";
        }
        return " (commit " + c + (built instanceof String b && !b.isBlank() ? ", built " + b : "") + ")";
    }

    private static BuildInfo read() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/io/dbbackup/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // below: unknown
        }
        return from(p);
    }

    /** The build {@code version.properties} describes; a blank {@code commit} is the pom's default: nobody said. */
    public static BuildInfo from(Properties p) {
        return new BuildInfo(value(p, "version", "dev"), value(p, "commit", UNKNOWN), value(p, "built", UNKNOWN),
                !value(p, "commit", "").isEmpty(), value(p, "builder", ""));
    }

    /** A property left unfiltered (${...}) or blank says nothing. */
    private static String value(Properties p, String name, String otherwise) {
        String v = p.getProperty(name, "").strip();
        return v.isEmpty() || v.contains("${") ? otherwise : v;
    }
}
