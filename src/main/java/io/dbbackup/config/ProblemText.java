package io.dbbackup.config;

import java.util.Locale;

/**
 * What a config problem may show of text taken from the file (a key, a value, a file name): one terminal line. Control
 * characters (an escape sequence {@code \u001b[...}, a newline) and Unicode format characters (the bidi overrides
 * {@code U+202E}..., zero-width characters, a byte order mark) and line/paragraph separators are written as escapes
 * ({@code \n}, {@code \u001b}, {@code \u202e}), so that a value can neither split the line nor redraw or reorder what the
 * terminal shows; a message over {@link #MAX_CHARS} characters (a value of a thousand characters in it) is cut in the
 * middle, so that the key at its start and the hint at its end stay.
 */
final class ProblemText {
    /** The most characters one message keeps. */
    static final int MAX_CHARS = 1200;
    private static final int HEAD = 900;
    private static final int TAIL = 200;

    private ProblemText() {
    }

    /**
     * The password of a URL ({@code scheme://user:PASSWORD@host}), up to the last {@code @} of the word: a value echoed
     * from any key (a {@code database}, an {@code endpoint}, a duration) may be such a URL, pasted by mistake.
     */
    private static final java.util.regex.Pattern URL_PASSWORD =
            java.util.regex.Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^\\s:/@'\"]*):[^\\s'\"]*@");

    /** Whether {@code text} holds a URL with a password in it. */
    static boolean holdsUrlPassword(String text) {
        return text != null && URL_PASSWORD.matcher(text).find();
    }

    /**
     * {@code text} as one line that is safe to print, at most about {@link #MAX_CHARS} characters, the password of any
     * URL in it written {@code (not shown)}.
     */
    static String clean(String text) {
        if (text == null) {
            return null;
        }
        String escaped = escape(URL_PASSWORD.matcher(text).replaceAll("$1:(not shown)@"));
        if (escaped.length() <= MAX_CHARS) {
            return escaped;
        }
        int head = boundary(escaped, HEAD);
        int tail = boundary(escaped, escaped.length() - TAIL);
        return escaped.substring(0, head) + "...[" + (tail - head) + " characters cut]..." + escaped.substring(tail);
    }

    /** Whether {@code cp} is written as an escape: a control, format, separator or unpaired surrogate character. */
    static boolean unsafe(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE;
    }

    private static String escape(String text) {
        if (text.codePoints().noneMatch(ProblemText::unsafe)) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(cp -> {
            if (!unsafe(cp)) {
                b.appendCodePoint(cp);
            } else if (cp == '\n') {
                b.append("\\n");
            } else if (cp == '\r') {
                b.append("\\r");
            } else if (cp == '\t') {
                b.append("\\t");
            } else if (cp <= 0xFFFF) {
                b.append(String.format(Locale.ROOT, "\\u%04x", cp));
            } else {
                b.append(String.format(Locale.ROOT, "\\U%08x", cp));
            }
        });
        return b.toString();
    }

    /** {@code i}, moved back so that it neither splits a surrogate pair nor an escape just written. */
    private static int boundary(String s, int i) {
        int at = i;
        if (at > 0 && at < s.length() && Character.isLowSurrogate(s.charAt(at)) && Character.isHighSurrogate(s.charAt(at - 1))) {
            at--;
        }
        int slash = s.lastIndexOf('\\', at - 1);
        if (slash >= 0 && at - slash < 10) {
            at = slash; // \U0001f600 is 10 characters: never cut one in two
        }
        return at;
    }
}
