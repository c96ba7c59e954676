package io.dbbackup.engine.mysql;

import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.EngineProvider;

/** {@code engine: mariadb}: dumped with {@code mariadb-dump}, restored with {@code mariadb}. */
public final class MariaDbEngineProvider implements EngineProvider {
    @Override
    public String type() {
        return MySqlFlavor.MARIADB.type();
    }

    @Override
    public Engine create(ConfigSection section) {
        return MySqlConfig.read(section, MySqlFlavor.MARIADB);
    }
}
