package io.dbbackup.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes written as bytes ({@code 8388608}) or with a unit ({@code 16MiB}, {@code 16MB}, {@code 1GiB}). */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?i?b?)?");

    private ByteSize() {
    }

    /** The number of bytes, or -1 when {@code text} is not a size. Units are binary: 1 MB = 1 MiB. */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return -1;
        }
        String unit = m.group(2) == null ? "" : m.group(2);
        int shift;
        switch (unit.isEmpty() ? ' ' : unit.charAt(0)) {
            case ' ', 'b' -> shift = 0;
            case 'k' -> shift = 10;
            case 'm' -> shift = 20;
            case 'g' -> shift = 30;
            case 't' -> shift = 40;
            default -> {
                return -1;
            }
        }
        if (unit.equals("i") || (shift == 0 && unit.length() > 1)) {
            return -1;
        }
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                return -1;
            }
            return n << shift;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static String format(long bytes) {
        if (bytes % (1L << 30) == 0 && bytes > 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes % (1L << 20) == 0 && bytes > 0) {
            return (bytes >> 20) + " MiB";
        }
        return bytes + " bytes";
    }
}
