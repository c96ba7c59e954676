package io.dbbackup.codec.age;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * What an age file's header says about the key that opens it, read without any key: how many recipient stanzas it
 * holds, or that it holds a passphrase (one {@code scrypt} stanza). For the hint of a backup whose manifest is lost.
 */
public final class AgeHeaderStanzas {
    /** A header is small: its stanzas end long before this (a file beyond it is not one this tells about). */
    private static final int MAX_HEADER = 64 * 1024;

    private AgeHeaderStanzas() {
    }

    /**
     * The number of recipient stanzas of the header {@code in} starts with, 0 when it holds a passphrase, -1 when it is
     * not an age header (damaged, or not age). Reads at most the header; does not close {@code in}.
     */
    public static int count(InputStream in) throws IOException {
        String text = new String(in.readNBytes(MAX_HEADER), StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\n", -1);
        if (lines.length < 2 || !lines[0].equals("age-encryption.org/v1")) {
            return -1;
        }
        int recipients = 0;
        boolean scrypt = false;
        for (int i = 1; i < lines.length - 1; i++) { // the last piece is not a whole line
            String line = lines[i];
            if (line.startsWith("---")) {
                return scrypt ? (recipients == 0 ? 0 : -1) : (recipients == 0 ? -1 : recipients);
            }
            if (line.startsWith("-> ")) {
                String[] args = line.substring(3).split(" ");
                if (args[0].equals("scrypt")) {
                    scrypt = true;
                } else {
                    recipients++;
                }
            }
        }
        return -1;
    }
}
