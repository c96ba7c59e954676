package io.dbbackup.store.s3;

import java.util.Optional;

/**
 * The naming rules of an S3 (general purpose) bucket: 3 to 63 characters of lowercase letters, digits, dots and
 * hyphens, beginning and ending with a letter or digit, no two dots in a row, not an IP address. A name that breaks
 * them is only doubtful, not refused: legacy us-east-1 buckets and some S3-compatible services accept other names.
 */
final class S3BucketName {
    private S3BucketName() {
    }

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
        return Optional.empty();
    }

    /** " (not a valid S3 bucket name: …)" for a name that breaks the rules, else "". */
    static String note(String name) {
        return problem(name).map(p -> " (not a valid S3 bucket name: " + p + ")").orElse("");
    }
}
