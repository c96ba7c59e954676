package io.dbbackup.store.sftp;

import net.schmizz.sshj.sftp.FileAttributes;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.PacketType;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.Request;
import net.schmizz.sshj.sftp.Response;
import net.schmizz.sshj.sftp.SFTPEngine;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A remote file that can be flushed to the server's disk before it is renamed onto its key, with OpenSSH's
 * {@code fsync@openssh.com} extension (OpenSSH, Apache MINA and most SFTP servers offer it). sshj opens files
 * the same way but keeps their handle to itself, which the extension needs.
 */
final class SyncableFile extends RemoteFile {
    static final String FSYNC = "fsync@openssh.com";

    private SyncableFile(SFTPEngine engine, String path, byte[] handle) {
        super(engine, path, handle);
    }

    /**
     * Opens {@code path} as {@code SFTPClient.open} does (an SFTP status becomes an {@code SFTPException}), a file it
     * creates with {@code attributes} (OpenSSH's sftp-server passes their permissions to open(2), under its umask).
     */
    static SyncableFile open(SFTPEngine engine, String path, Set<OpenMode> modes, FileAttributes attributes) throws IOException {
        Request open = engine.newRequest(PacketType.OPEN).putString(path, engine.getSubsystem().getRemoteCharset())
                .putUInt32(OpenMode.toMask(modes)).putFileAttributes(attributes);
        Response r = engine.request(open).retrieve(engine.getTimeoutMs(), TimeUnit.MILLISECONDS);
        r.ensurePacketTypeIs(PacketType.HANDLE);
        return new SyncableFile(engine, path, r.readBytes());
    }

    /** Asks the server to flush the file to disk; false (and nothing sent) when the server has no fsync extension. */
    boolean fsync() throws IOException {
        if (!SftpStore.offers(requester, FSYNC)) {
            return false;
        }
        requester.request(requester.newExtendedRequest(FSYNC).putString(handle))
                .retrieve(requester.getTimeoutMs(), TimeUnit.MILLISECONDS).ensureStatusPacketIsOK();
        return true;
    }
}
