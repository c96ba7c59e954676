package io.dbbackup.spi;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A decorator ({@link RateLimitedStore}) must not fall back to {@link Store}'s default for a method the store below
 * overrides: the store's own words (its names, its fix lines) or its behaviour would be lost under it. Every method of
 * Store is forwarded; a method added to Store later fails this until ForwardingStore forwards it too.
 */
class ForwardingStoreTest {
    @Test
    void everyMethodOfStoreIsForwarded() throws Exception {
        List<String> notForwarded = new ArrayList<>();
        for (Method m : Store.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Method there = ForwardingStore.class.getMethod(m.getName(), m.getParameterTypes());
            if (there.getDeclaringClass() != ForwardingStore.class) {
                notForwarded.add(m.getName());
            }
        }
        assertThat(notForwarded).isEmpty();
    }

    @Test
    void aStoresOwnNameOfAKeyIsKeptUnderADecorator() {
        Store below = new ForwardingStore(null) {
            @Override
            public String nameOf(String key) {
                return "/abs/" + key;
            }
        };
        Store decorated = new ForwardingStore(below) {
        };
        assertThat(decorated.nameOf("db/x.dump")).isEqualTo("/abs/db/x.dump");
    }
}
