package io.dbbackup.engine.postgres;

import java.util.Arrays;

/**
 * Where a psql script's bytes stand lexically, byte by byte: in SQL code, or inside a quoted string ({@code '…'} with
 * {@code ''}, {@code E'…'} with backslash escapes), a quoted identifier ({@code "…"}), a dollar-quoted body
 * ({@code $tag$…$tag$}), a comment ({@code --}, nested {@code /* … *}{@code /}), a psql meta-command ({@code \restrict},
 * {@code \connect}, to the end of its line) or the rows of a {@code COPY … FROM stdin;} (to a line {@code \.}). Only a
 * line that starts {@link #inCode() in code} can be one of pg_dump's object comments: anything else is the content of a
 * string, a function body, a comment or rows, whatever it reads like. Assumes {@code standard_conforming_strings = on},
 * as every pg_dump script sets it.
 */
final class ScriptLexer {
    private enum State { CODE, QUOTE, QUOTE_END, IDENTIFIER, DOLLAR, BLOCK_COMMENT, LINE, COPY }

    private State state = State.CODE;
    private boolean escapes;
    private boolean escaped;
    private byte previous;
    private int word;
    private byte first;
    private int keyword;
    private boolean statementStart = true;
    private boolean copyStatement;
    private boolean copyNext;
    private boolean tagging;
    private byte[] delimiter = new byte[16];
    private int delimiterLength;
    private int matched;
    private int depth;
    private int rowLength;
    private boolean rowIsEnd;

    /** Whether the text so far ends in SQL code: not inside a string, an identifier, a body, a comment or rows. */
    boolean inCode() {
        return state == State.CODE && !tagging;
    }

    void accept(byte c) {
        switch (state) {
            case CODE -> code(c);
            case QUOTE -> {
                if (escaped) {
                    escaped = false;
                } else if (escapes && c == '\\') {
                    escaped = true;
                } else if (c == '\'') {
                    state = State.QUOTE_END;
                }
            }
            case QUOTE_END -> { // '' inside a string, or its end
                if (c == '\'') {
                    state = State.QUOTE;
                } else {
                    toCode();
                    code(c);
                }
            }
            case IDENTIFIER -> {
                if (c == '"') {
                    toCode();
                }
            }
            case DOLLAR -> {
                if (c == delimiter[matched]) {
                    if (++matched == delimiterLength) {
                        toCode();
                    }
                } else {
                    matched = c == '$' ? 1 : 0;
                }
            }
            case BLOCK_COMMENT -> blockComment(c);
            case LINE -> {
                // a -- comment or a psql meta-command: to the end of the line
            }
            case COPY -> {
                if (c != '\r') {
                    rowIsEnd = rowLength == 0 ? c == '\\' : rowLength == 1 && rowIsEnd && c == '.';
                    rowLength++;
                }
            }
        }
    }

    /** The end of a line ({@code \n}). */
    void endLine() {
        if (state == State.COPY) {
            if (rowLength == 2 && rowIsEnd) {
                toCode();
            }
            rowLength = 0;
            rowIsEnd = false;
            return;
        }
        accept((byte) '\n');
        if (state == State.LINE) {
            toCode();
        }
        if (copyNext && state == State.CODE) {
            state = State.COPY;
        }
        copyNext = false;
    }

    private void code(byte c) {
        if (tagging) {
            if (identifierByte(c) && (delimiterLength > 1 || !digit(c))) {
                tag(c);
                return;
            }
            tagging = false;
            if (c == '$') {
                tag(c);
                state = State.DOLLAR;
                matched = 0;
                return;
            }
        }
        if (identifierByte(c) || c == '$' && word > 0) {
            if (word++ == 0) {
                first = c;
                keyword = 0;
            }
            if (word <= 4) {
                keyword = keyword << 8 | Character.toLowerCase(c);
            }
            previous = c;
            return;
        }
        boolean escapeString = word == 1 && (first == 'E' || first == 'e');
        if (word > 0 && statementStart) {
            copyStatement = word == 4 && keyword == ('c' << 24 | 'o' << 16 | 'p' << 8 | 'y');
            statementStart = false;
        } else if (statementStart && !whitespace(c) && c != ';' && c != '-' && c != '/' && c != '\\') {
            statementStart = false;
        }
        word = 0;
        switch (c) {
            case '\'' -> {
                escapes = escapeString;
                state = State.QUOTE;
            }
            case '"' -> state = State.IDENTIFIER;
            case '$' -> {
                tagging = true;
                delimiterLength = 0;
                tag(c);
            }
            case '\\' -> state = State.LINE;
            case ';' -> {
                copyNext = copyStatement;
                copyStatement = false;
                statementStart = true;
            }
            case '-' -> {
                if (previous == '-') {
                    state = State.LINE;
                }
            }
            case '*' -> {
                if (previous == '/') {
                    state = State.BLOCK_COMMENT;
                    depth = 1;
                }
            }
            default -> {
            }
        }
        previous = state == State.CODE ? c : 0;
    }

    private void blockComment(byte c) {
        if (previous == '/' && c == '*') {
            depth++;
            previous = 0;
        } else if (previous == '*' && c == '/') {
            previous = 0;
            if (--depth == 0) {
                toCode();
            }
        } else {
            previous = c;
        }
    }

    private void toCode() {
        state = State.CODE;
        previous = 0;
        word = 0;
        escaped = false;
    }

    private void tag(byte c) {
        if (delimiterLength == delimiter.length) {
            delimiter = Arrays.copyOf(delimiter, delimiter.length * 2);
        }
        delimiter[delimiterLength++] = c;
    }

    private static boolean identifierByte(byte c) {
        return c < 0 || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || digit(c);
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean whitespace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }
}
