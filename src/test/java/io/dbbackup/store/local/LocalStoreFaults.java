package io.dbbackup.store.local;

/** Faults injected into a {@link LocalStore} for tests outside its package. */
public final class LocalStoreFaults {
    private LocalStoreFaults() {
    }

    /**
     * {@code store}, on a file system that renames nothing in one step ({@code EXDEV}: the key is a mount point, some FUSE
     * file systems): every atomic rename refused, a plain move onto an existing name refused as the JDK refuses it.
     */
    public static LocalStore withoutAtomicRenames(LocalStore store) {
        return store.movingWith((from, to, options) -> {
            java.util.List<java.nio.file.CopyOption> o = java.util.List.of(options);
            if (o.contains(java.nio.file.StandardCopyOption.ATOMIC_MOVE)) {
                throw new java.nio.file.AtomicMoveNotSupportedException(from.toString(), to.toString(), "Invalid cross-device link");
            }
            java.nio.file.Files.move(from, to, options);
        });
    }

    /**
     * {@code store}, on a file system that makes no hard links either (FAT, some FUSE file systems): with
     * {@link #withoutAtomicRenames}, a new key is copied in and a commit onto an existing key is refused, the old object
     * kept. {@code putIfAbsent} links through it too.
     */
    public static LocalStore withoutHardLinks(LocalStore store) {
        return store.linkingWith((link, existing) -> {
            throw new java.nio.file.FileSystemException(link.toString(), existing.toString(), "Operation not permitted");
        });
    }
}
