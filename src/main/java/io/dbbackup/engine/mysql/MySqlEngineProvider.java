package io.dbbackup.engine.mysql;

import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.EngineProvider;

/** {@code engine: mysql}: dumped with {@code mysqldump}, restored with {@code mysql}. */
public final class MySqlEngineProvider implements EngineProvider {
    @Override
    public String type() {
        return MySqlFlavor.MYSQL.type();
    }

    @Override
    public Engine create(ConfigSection section) {
        return MySqlConfig.read(section, MySqlFlavor.MYSQL);
    }
}
