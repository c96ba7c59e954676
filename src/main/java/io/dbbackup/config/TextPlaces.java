package io.dbbackup.config;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where in a config file a character the YAML reader refuses is (a byte that is not UTF-8, a control character): its
 * 0-based line and column, and the key it is in, found by reading the file with that character made harmless. For one
 * line naming the place, where the reader's own error says "position 212" or nothing.
 */
final class TextPlaces {
    private TextPlaces() {
    }

    /** A place: 0-based {@code line} and {@code column} (in code points), and the key path there ("" at the top or none). */
    record Place(int line, int column, String path, int length) {
        Place(int line, int column, String path) {
            this(line, column, path, 0);
        }
    }

    /** YAML's longest implicit key (a key without {@code ? }), in characters. */
    private static final int MAX_SIMPLE_KEY = 1024;

    /**
     * The key syntax error {@code e} is about when it is one longer than YAML reads ("while scanning a simple key: could
     * not find expected ':'" on a line whose ':' comes later): its place, path (its mapping's) and length.
     */
    static Optional<Place> longKey(String text, org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException e) {
        if (e.getContext() == null || !e.getContext().contains("simple key") || e.getContextMark().isEmpty()
                || !String.valueOf(e.getProblem()).contains("could not find expected ':'")) {
            return Optional.empty();
        }
        String[] lines = text.split("\n", -1);
        int line = e.getContextMark().get().getLine();
        int column = e.getContextMark().get().getColumn();
        if (line >= lines.length || column > lines[line].codePointCount(0, lines[line].length())) {
            return Optional.empty();
        }
        String l = lines[line].replace("\r", "");
        int from = l.offsetByCodePoints(0, column);
        java.util.regex.Matcher colon = java.util.regex.Pattern.compile(":(?:[ \t]|$)").matcher(l);
        if (!colon.find(from)) {
            return Optional.empty();
        }
        int length = l.codePointCount(from, colon.start());
        if (length <= MAX_SIMPLE_KEY) {
            return Optional.empty();
        }
        lines[line] = l.substring(0, from) + "k" + l.substring(colon.start());
        return Optional.of(new Place(line, column, pathAt(String.join("\n", lines), line, column), length));
    }

    /** The place of the first byte of {@code bytes} that is not UTF-8, and that byte, if there is one. */
    static Optional<Place> firstNonUtf8(byte[] bytes, int[] badByte) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            return Optional.empty();
        }
        badByte[0] = bytes[in.position()] & 0xff;
        out.flip();
        String before = out.toString();
        return Optional.of(place(new String(bytes, StandardCharsets.UTF_8), before));
    }

    /** The place of code point number {@code index} (0-based) of {@code text}. */
    static Place atCodePoint(String text, int index) {
        int offset = text.offsetByCodePoints(0, Math.min(Math.max(index, 0), text.codePointCount(0, text.length())));
        StringBuilder harmless = new StringBuilder(text);
        if (offset < text.length()) {
            harmless.replace(offset, offset + Character.charCount(text.codePointAt(offset)), " ");
        }
        return place(harmless.toString(), text.substring(0, offset));
    }

    /** The place just after {@code before} (a beginning of the file), with its key as {@code readable} holds it. */
    private static Place place(String readable, String before) {
        int line = 0;
        int lineStart = 0;
        for (int i = 0; i < before.length(); i++) {
            if (before.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        String head = before.substring(lineStart);
        int column = head.codePointCount(0, head.length());
        if (before.startsWith("\uFEFF") && line == 0) {
            column--; // the reader does not count a byte order mark
        }
        return new Place(line, column, pathAt(readable.replace("\r", ""), line, column));
    }

    /** The key path at {@code line}, {@code column} of {@code text}: "" when it cannot be read as YAML. */
    private static String pathAt(String text, int line, int column) {
        try {
            LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(true).setAllowNonScalarKeys(true)
                    .setMaxAliasesForCollections(ConfigLoader.MAX_ALIASES).setSchema(new ConfigSchema()).build();
            Node root = new Compose(settings).composeString(text).orElse(null);
            return root == null ? "" : pathAt(root, "", line, column);
        } catch (RuntimeException | StackOverflowError e) {
            return "";
        }
    }

    private static String pathAt(Node n, String path, int line, int column) {
        if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    continue;
                }
                String at = path.isEmpty() ? k.getValue() : path + "." + k.getValue();
                if (within(t.getKeyNode(), line, column)) {
                    return path; // in the key: its name is what is wrong, the mapping holds it
                }
                if (within(t.getValueNode(), line, column)) {
                    return pathAt(t.getValueNode(), at, line, column);
                }
            }
        } else if (n instanceof SequenceNode q) {
            for (int i = 0; i < q.getValue().size(); i++) {
                if (within(q.getValue().get(i), line, column)) {
                    return pathAt(q.getValue().get(i), path + "[" + i + "]", line, column);
                }
            }
        }
        return path;
    }

    private static boolean within(Node n, int line, int column) {
        var start = n.getStartMark();
        var end = n.getEndMark();
        if (start.isEmpty() || end.isEmpty()) {
            return false;
        }
        boolean afterStart = line > start.get().getLine() || line == start.get().getLine() && column >= start.get().getColumn();
        boolean beforeEnd = line < end.get().getLine() || line == end.get().getLine() && column < end.get().getColumn();
        return afterStart && beforeEnd;
    }
}
