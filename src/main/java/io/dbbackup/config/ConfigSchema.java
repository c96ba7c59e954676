package io.dbbackup.config;

import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.JsonScalarResolver;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.JsonSchema;
import org.snakeyaml.engine.v2.schema.Schema;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * How the config's plain scalars are resolved: YAML 1.2's JSON schema, plus the core schema's other spellings of null
 * ({@code ~}, {@code Null}, {@code NULL}), so {@code keep_last: ~} means what {@code keep_last: null} does. Nothing
 * else changes: {@code yes}, {@code on}, {@code True} stay text, and a quoted {@code '~'} is text.
 */
final class ConfigSchema implements Schema {
    private static final Pattern OTHER_NULLS = Pattern.compile("^(?:~|Null|NULL)$");

    private final JsonSchema json = new JsonSchema();
    private final ScalarResolver resolver = new JsonScalarResolver() {
        @Override
        protected void addImplicitResolvers() {
            super.addImplicitResolvers();
            addImplicitResolver(Tag.NULL, OTHER_NULLS, "~N");
        }
    };

    @Override
    public ScalarResolver getScalarResolver() {
        return resolver;
    }

    @Override
    public Map<Tag, ConstructNode> getSchemaTagConstructors() {
        return json.getSchemaTagConstructors();
    }
}
