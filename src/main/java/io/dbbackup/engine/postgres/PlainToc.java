package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.LineFilter;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.ScanningSink;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.TreeSet;

/**
 * A script's table of contents, learnt from pg_dump's object comments as the script is written into it
 * ({@link PlainSections}: rows, strings and bodies are never taken for comments): the schemas it creates or fills, its
 * relations and which table is a partition of which ({@link ArchiveToc}) — of a plain script, or of a custom archive's
 * definitions as {@code pg_restore --section=pre-data} writes them. {@link #toc} after {@link #close}. Given
 * a selection (a restore in part, learning in its checking pass), {@link #close} fails when the script does not hold
 * what it names ({@link ArchiveToc#require}).
 */
final class PlainToc extends ScanningSink {
    private final RestoreOptions selection;
    private final Set<String> schemas = new TreeSet<>();
    private final List<ArchiveToc.Relation> relations = new ArrayList<>();
    private final List<ArchiveToc.Attachment> attachments = new ArrayList<>();
    private final Set<PlainSections.Section> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    private final PlainSections sections = new PlainSections(this::note, OutputStream.nullOutputStream());

    private final Consumer<ArchiveToc> learnt;

    /** {@code selection}: null to learn what the script holds without checking anything. */
    PlainToc(RestoreOptions selection) {
        this(selection, toc -> { });
    }

    /** {@code learnt}: told what the script holds once it is read whole (and holds the selection). */
    PlainToc(RestoreOptions selection, Consumer<ArchiveToc> learnt) {
        this.selection = selection;
        this.learnt = learnt;
    }

    private boolean note(PlainSections.Section s, String head) {
        if (s != null && s.type().equals("TABLE ATTACH") && head.startsWith(ATTACH)) {
            attach(s, qualifiedName(head, ATTACH.length()));
        } else if (s != null && s.type().equals("TABLE") && head.startsWith(CREATE)) {
            // an older pg_dump attached a partition in its own CREATE TABLE: … public.parted_1 PARTITION OF public.parted
            int own = CREATE.length();
            String rest = head.substring(own + quotedLength(head, own));
            if (rest.startsWith(PARTITION_OF)) {
                attach(s, qualifiedName(rest, PARTITION_OF.length()));
            }
        }
        if (s != null && seen.add(s)) {
            if (s.type().equals("SCHEMA")) {
                schemas.add(s.name());
            } else if (ArchiveToc.RELATION_KINDS.contains(s.type())) {
                relations.add(new ArchiveToc.Relation(s.type(), s.schema(), s.name()));
                schemas.add(s.schema());
            }
        }
        return false;
    }

    @Override
    protected LineFilter scanner() {
        return sections;
    }

    @Override
    protected void finish() {
        if (!sections.endsInCode()) {
            throw DbBackupException.integrity("the SQL script ends inside a quoted string, a function body, a comment or the "
                    + "rows of a COPY: it is not a whole pg_dump script and cannot be taken apart safely");
        }
        if (selection != null) {
            toc().require(selection);
        }
        learnt.accept(toc());
    }

    ArchiveToc toc() {
        return new ArchiveToc(schemas, relations, attachments);
    }

    private void attach(PlainSections.Section partition, List<String> parent) {
        if (parent.size() == 2) {
            attachments.add(new ArchiveToc.Attachment(partition.schema(), partition.name(), parent.get(0), parent.get(1)));
        }
    }

    private static final String CREATE = "CREATE TABLE ";
    private static final String PARTITION_OF = " PARTITION OF ";

    /** The length of the dotted name at {@code from} in {@code sql}, as written. */
    private static int quotedLength(String sql, int from) {
        int i = from;
        boolean quoted = false;
        while (i < sql.length() && (quoted || sql.charAt(i) != ' ')) {
            if (sql.charAt(i) == '"') {
                quoted = !quoted;
            }
            i++;
        }
        return i - from;
    }

    /** pg_dump's {@code TABLE ATTACH}: {@code ALTER TABLE ONLY public.parted ATTACH PARTITION public.parted_1 FOR VALUES …}. */
    private static final String ATTACH = "ALTER TABLE ONLY ";

    /**
     * The parts of the dotted name at {@code from} in {@code sql}, each as written ({@code orders}) or quoted
     * ({@code "Odd ""x"""}), unquoted.
     */
    static List<String> qualifiedName(String sql, int from) {
        List<String> parts = new ArrayList<>();
        int i = from;
        while (i < sql.length()) {
            StringBuilder part = new StringBuilder();
            if (sql.charAt(i) == '"') {
                i++;
                while (i < sql.length()) {
                    char c = sql.charAt(i++);
                    if (c == '"') {
                        if (i < sql.length() && sql.charAt(i) == '"') {
                            i++;
                        } else {
                            break;
                        }
                    }
                    part.append(c);
                }
            } else {
                while (i < sql.length() && sql.charAt(i) != '.' && sql.charAt(i) != ' ') {
                    part.append(sql.charAt(i++));
                }
            }
            parts.add(part.toString());
            if (i >= sql.length() || sql.charAt(i) != '.') {
                break;
            }
            i++;
        }
        return parts;
    }
}
