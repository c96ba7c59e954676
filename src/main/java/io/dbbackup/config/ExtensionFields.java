package io.dbbackup.config;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The top-level keys beginning with {@code x-} (as Docker Compose's extension fields): a place for anchors that entries
 * merge ({@code x-defaults: &defaults}, then {@code <<: *defaults}). What they hold is not config and is not read,
 * except that a secret written in one (under a secret key, an age secret key, a URL with a password) is refused
 * there: it is in the file, merged anywhere or not. Where it is merged
 * in, the section refuses it again as its own literal secret.
 */
final class ExtensionFields {
    static final String PREFIX = "x-";

    /**
     * The keys that are a secret wherever the config reads them ({@code password}, not {@code password_env}). Not
     * {@code url} nor {@code username}: a secret for some plugins (Slack's URL), plain text for others (a webhook's).
     */
    static final Set<String> SECRET_KEYS = Set.of("password", "passphrase", "key_passphrase", "identity", "account_key",
            "sas_token", "access_key", "secret_key", "client_secret", "authorization");

    private ExtensionFields() {
    }

    static boolean isExtension(String topLevelKey) {
        return topLevelKey.startsWith(PREFIX);
    }

    /**
     * The x- name to suggest for unknown top-level key {@code key}: {@code X-defaults} (Compose's are lower case), or
     * a key whose value holds an anchor ({@code defaults: &defaults}), a holder of shared settings.
     */
    static java.util.Optional<String> suggestion(Node root, String key) {
        if (key.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return java.util.Optional.of(PREFIX + key.substring(PREFIX.length()));
        }
        if (root instanceof MappingNode m && m.getValue().stream().anyMatch(t -> t.getKeyNode() instanceof ScalarNode k
                && k.getValue().equals(key) && t.getValueNode().getAnchor().isPresent())) {
            return java.util.Optional.of(PREFIX + key);
        }
        return java.util.Optional.empty();
    }

    /** Refuses each secret written under the {@code x-} keys of {@code root}, by key name or an age secret key's text. */
    static void refuseSecrets(Node root, Problems problems) {
        if (!(root instanceof MappingNode m)) {
            return;
        }
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && isExtension(k.getValue())) {
                walk(t.getValueNode(), k.getValue(), problems, seen);
            }
        }
    }

    private static void walk(Node n, String path, Problems problems, Set<Node> seen) {
        if (n == null || !seen.add(n)) {
            return; // an alias of a node already walked: said once, where its anchor is
        }
        if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    continue;
                }
                String at = path + "." + k.getValue();
                if (SECRET_KEYS.contains(k.getValue()) && !YamlSection.isNull(t.getValueNode())) {
                    problems.error(k, YamlSection.literalSecret(at, k.getValue()));
                    continue;
                }
                walk(t.getValueNode(), at, problems, seen);
            }
        } else if (n instanceof SequenceNode q) {
            for (int i = 0; i < q.getValue().size(); i++) {
                walk(q.getValue().get(i), path + "[" + i + "]", problems, seen);
            }
        } else if (n instanceof ScalarNode s && YamlSection.holdsAgeSecretKey(s.getValue())) {
            problems.error(s, path + ": holds an age secret key (not shown): secrets are not read from the config file; "
                    + "keep it in a file named by identity_file");
        } else if (n instanceof ScalarNode s && ProblemText.holdsUrlPassword(s.getValue())) {
            problems.error(s, path + ": holds a URL with a password in it (not shown): secrets are not read from the config "
                    + "file; give the password in its own *_env or *_file key");
        }
    }
}
