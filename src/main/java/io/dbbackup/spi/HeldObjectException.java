package io.dbbackup.spi;

import java.io.IOException;

/**
 * A delete the store refused because the object is held where it is: an S3 bucket's Object Lock (a retention period in
 * governance or compliance mode, a legal hold), a vendor's compliance or WORM setting. Not a permission the credentials
 * lack and not a failure a retry fixes: the object can be deleted once its retention ends. Prune keeps such a backup,
 * goes on with the others, and fails at the end naming it.
 */
public class HeldObjectException extends IOException {
    public HeldObjectException(String message) {
        super(message);
    }
}
