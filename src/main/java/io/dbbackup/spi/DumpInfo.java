package io.dbbackup.spi;

import java.util.Map;

/** Facts an engine reports about one dump, recorded in the manifest (e.g. server_version). */
public record DumpInfo(Map<String, String> facts) {
    public DumpInfo {
        facts = Map.copyOf(facts);
    }

    public static DumpInfo of(Map<String, String> facts) {
        return new DumpInfo(facts);
    }
}
