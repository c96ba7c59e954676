package io.dbbackup.spi;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageMarkersTest {
    /** A server that hands out its first page's marker again: "after 1 pages" said before. */
    @Test
    void aRepeatedMarkerAfterOnePageIsCountedInTheSingular() throws IOException {
        PageMarkers markers = new PageMarkers("s3://b/p/");
        assertThat(markers.next("m1")).isEqualTo("m1");
        assertThatThrownBy(() -> markers.next("m1")).isInstanceOf(IOException.class)
                .hasMessageContaining("(after 1 page); a listing that repeats would never end");
        assertThat(markers.next("m2")).isEqualTo("m2");
        assertThatThrownBy(() -> markers.next("m2")).hasMessageContaining("(after 2 pages)");
    }
}
