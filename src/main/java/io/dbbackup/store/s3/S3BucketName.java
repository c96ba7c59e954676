package io.dbbackup.store.s3;

import java.util.Optional;

/**
 * The naming rules of an S3 (general purpose) bucket: 3 to 63 characters of lowercase letters, digits, dots and
 * hyphens, beginning and ending with a letter or digit, no two dots in a row, not an IP address, none of the prefixes
 * and suffixes S3 keeps for itself ({@link #RESERVED_PREFIXES}, {@link #RESERVED_SUFFIXES}: aliases and other kinds of
 * bucket). A name that breaks them is only doubtful, not refused: legacy us-east-1 buckets and some S3-compatible
 * services accept other names.
 */
final class S3BucketName {
    private S3BucketName() {
    }

    /** Prefixes no general purpose bucket name may begin with, and why ({@code sthree-configurator} is one of them). */
    private static final String[][] RESERVED_PREFIXES = {{"xn--", "S3 keeps for itself (punycode)"},
            {"sthree-", "S3 keeps for itself"}, {"amzn-s3-demo-", "S3 keeps for its documentation's examples"}};
    /** Suffixes no general purpose bucket name may end with: the names of things that stand in for a bucket. */
    private static final String[][] RESERVED_SUFFIXES = {{"-s3alias", "S3 keeps for access point aliases"},
            {"--ol-s3", "S3 keeps for Object Lambda Access Point aliases"},
            {".mrap", "S3 keeps for Multi-Region Access Points"},
            {"--x-s3", "S3 keeps for directory buckets (S3 Express One Zone)"}};

    /** Which rule {@code name} breaks, e.g. "it is 2 characters long; S3 needs 3 to 63"; empty for a valid name. */
    static Optional<String> problem(String name) {
        if (name.length() < 3 || name.length() > 63) {
            return Optional.of("it is " + name.length() + " character" + (name.length() == 1 ? "" : "s")
                    + " long; S3 needs 3 to 63");
        }
        if (!name.matches("[a-z0-9.-]+")) {
            return Optional.of(name.matches(".*[A-Z].*") ? "it holds upper-case letters; S3 allows lowercase letters, digits, "
                    + "dots and hyphens" : "it holds characters other than lowercase letters, digits, dots and hyphens");
        }
        if (!Character.isLetterOrDigit(name.charAt(0)) || !Character.isLetterOrDigit(name.charAt(name.length() - 1))) {
            return Optional.of("it must begin and end with a letter or digit");
        }
        if (name.contains("..")) {
            return Optional.of("it holds two dots in a row");
        }
        if (name.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return Optional.of("it is formatted as an IP address");
        }
        for (String[] p : RESERVED_PREFIXES) {
            if (name.startsWith(p[0])) {
                return Optional.of("it begins with '" + p[0] + "', which " + p[1]);
            }
        }
        return reservedSuffix(name).map(p -> "it ends with '" + p[0] + "', which " + p[1]);
    }

    /** The suffix of {@code name} that S3 keeps for an alias or another kind of bucket, and what for. */
    private static Optional<String[]> reservedSuffix(String name) {
        for (String[] p : RESERVED_SUFFIXES) {
            if (name.endsWith(p[0])) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * The config warning for {@code name}, after "'NAME' is not a valid S3 bucket name: " and its {@link #problem}: what
     * S3 will answer. Empty for a valid name.
     */
    static Optional<String> warning(String name) {
        return problem(name).map(p -> "'" + name + "' is not a valid S3 bucket name: " + p + (reservedSuffix(name).isPresent()
                ? "; dbbackup writes to a general purpose bucket: name the bucket itself"
                : " (3-63 lowercase letters, digits, dots, hyphens); AWS S3 will answer that it does not exist, unless it is "
                + "a legacy us-east-1 bucket or the service (endpoint) accepts such names"));
    }

    /** " (not a valid S3 bucket name: …)" for a name that breaks the rules, else "". */
    static String note(String name) {
        return problem(name).map(p -> " (not a valid S3 bucket name: " + p + ")").orElse("");
    }
}
