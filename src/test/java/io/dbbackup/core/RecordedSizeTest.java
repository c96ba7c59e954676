package io.dbbackup.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The words for an object of another size than its manifest records, which list, prune, a copy job (through
 * {@code job.CutShort}) and verify, restore and download (through {@code pipeline.ArtifactReader}) print: one source,
 * pinned here as they were printed before they moved to core.
 */
class RecordedSizeTest {
    @Test
    void anObjectShorterThanRecordedIsCutShort() {
        assertThat(RecordedSize.cutShort(500, 1000L)).isTrue();
        assertThat(RecordedSize.longer(500, 1000L)).isFalse();
        assertThat(RecordedSize.notCounted(500, 1000L, false)).isEqualTo("cut short (500 of 1000 bytes)");
        assertThat(RecordedSize.notCounted(500, 1000L, true)).isEqualTo("cut short (500 of 1000 bytes, by its source's manifest)");
        assertThat(RecordedSize.cause(500, 1000L, "a copy that died, a full disk")).isEqualTo("(cut short: a copy that died, a full disk?)");
        assertThat(RecordedSize.sizes(500, 1000L, false)).isEqualTo("500 bytes, its manifest records 1000");
        assertThat(RecordedSize.sizes(500, 1000L, true)).isEqualTo("500 bytes, its source's manifest records 1000");
        assertThat(RecordedSize.read(500, 1000)).isEqualTo("it is cut short: 500 of the 1000 bytes its manifest records "
                + "(an upload or copy that did not finish, a full disk)");
    }

    @Test
    void anEmptyObjectIsEmptyWhateverItsManifestRecords() {
        for (Long recorded : new Long[] {null, 0L, 1000L}) {
            assertThat(RecordedSize.empty(0)).isTrue();
            assertThat(RecordedSize.cutShort(0, recorded)).as("recorded %s", recorded).isTrue();
            assertThat(RecordedSize.notCounted(0, recorded, false)).isEqualTo("empty (0 bytes)");
            assertThat(RecordedSize.notCounted(0, recorded, true)).isEqualTo("empty (0 bytes)");
        }
        assertThat(RecordedSize.empty(-1)).as("the store cannot say").isFalse();
        assertThat(RecordedSize.cutShort(-1, 1000L)).isFalse();
    }

    @Test
    void anObjectLongerThanRecordedIsNotCalledCutShort() {
        assertThat(RecordedSize.cutShort(1003, 1000L)).as("no backup either").isTrue();
        assertThat(RecordedSize.longer(1003, 1000L)).isTrue();
        assertThat(RecordedSize.notCounted(1003, 1000L, false)).isEqualTo("1003 bytes, its manifest records 1000");
        assertThat(RecordedSize.notCounted(1003, 1000L, true)).isEqualTo("1003 bytes, its source's manifest records 1000");
        assertThat(RecordedSize.cause(1003, 1000L, "a full disk"))
                .isEqualTo("(longer: written over or appended to, or another backup's manifest?)");
        assertThat(RecordedSize.read(1003, 1000)).isEqualTo("it is 1003 bytes, its manifest records 1000 "
                + "(written over or appended to, or another backup's manifest?)");
    }

    @Test
    void anObjectOfTheRecordedSizeOrWithNoneRecordedIsNoneOfThem() {
        assertThat(RecordedSize.cutShort(1000, 1000L)).isFalse();
        assertThat(RecordedSize.longer(1000, 1000L)).isFalse();
        assertThat(RecordedSize.cutShort(1000, null)).as("nothing says what it should be").isFalse();
        assertThat(RecordedSize.longer(1000, null)).isFalse();
    }
}
