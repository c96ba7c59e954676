package io.dbbackup.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's links lead somewhere: a relative link names a file or folder of the repository (README.md is at its
 * root: {@code ../Dockerfile} leads out of it), and {@code #anchor} is a heading's anchor as GitHub makes it.
 */
class ReadmeLinksTest {
    private static final Pattern LINK = Pattern.compile("]\\(([^)\\s]+)\\)");

    @Test
    void everyRelativeLinkAndAnchorResolves() throws Exception {
        Path base = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath().normalize();
        List<String> lines = Readme.lines();
        Set<String> anchors = anchors(lines);
        List<String> broken = new ArrayList<>();
        int checked = 0;
        boolean code = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith("```")) {
                code = !code;
                continue;
            }
            Matcher m = LINK.matcher(lines.get(i));
            while (!code && m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // https:, mailto:
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                if (file.isEmpty() ? !anchors.contains(target.substring(1))
                        : !base.resolve(file).normalize().startsWith(base) || !Files.exists(base.resolve(file))) {
                    broken.add("README.md:" + (i + 1) + ": " + target);
                }
            }
        }
        assertThat(checked).as("links checked").isGreaterThan(30);
        assertThat(broken).as("README links that lead nowhere").isEmpty();
    }

    /** GitHub's heading anchors: lower case, punctuation but '-' and '_' dropped, spaces as '-', repeats numbered. */
    private static Set<String> anchors(List<String> lines) {
        Set<String> out = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean code = false;
        for (String line : lines) {
            if (line.strip().startsWith("```")) {
                code = !code;
            } else if (!code && line.matches("#{1,6} .*")) {
                String slug = line.replaceFirst("^#+ ", "").strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                out.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        return out;
    }
}
