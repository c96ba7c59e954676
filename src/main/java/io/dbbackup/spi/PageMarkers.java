package io.dbbackup.spi;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The markers of a paged listing (S3's continuation token, Azure's NextMarker), checked as they come: a server that
 * hands out one it handed out before would be listed for ever (a store audit saw 21,000 requests in 40 s, and a prune
 * that neither its job's timeout nor SIGTERM could stop). Such a listing fails instead, naming where.
 */
public final class PageMarkers {
    private final String where;
    private final Set<String> seen = new HashSet<>();

    public PageMarkers(String where) {
        this.where = where;
    }

    /** {@code marker}, the next page's (null: there is none), once checked that it was not handed out before. */
    public String next(String marker) throws IOException {
        if (marker != null && !seen.add(marker)) {
            throw new IOException("the listing of " + where + " failed: the server handed out the marker of a page it had "
                    + "already given (after " + io.dbbackup.core.Human.count(seen.size(), "page") + "); a listing that repeats would never end");
        }
        return marker;
    }
}
