package io.dbbackup.cli;

import picocli.CommandLine;

import java.nio.file.Path;

/**
 * Converters for file name options that refuse an empty argument ({@code -c ''}, {@code -o "$UNSET"}): an empty path
 * resolves to the working folder, which then reads as a directory, or as a file named '' that "already exists".
 */
final class FileNames {
    private FileNames() {
    }

    static final String EMPTY = "an empty file name (an unset variable?)";

    /** A {@link Path} option's value, never empty. */
    static final class NonEmptyPath implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            return Path.of(NonEmpty.check(value));
        }
    }

    /** A file name option kept as text ({@code download -o FILE|DIR|-}), never empty. */
    static final class NonEmpty implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return check(value);
        }

        static String check(String value) {
            if (value.isEmpty()) {
                throw new CommandLine.TypeConversionException(EMPTY);
            }
            return value;
        }
    }
}
