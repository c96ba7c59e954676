package io.dbbackup.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text saved as UTF-16 with a byte order mark (Windows PowerShell 5's {@code >}, Notepad's "Unicode") where UTF-8 is
 * read: a config, a secret, a key file ({@code age-keygen > key.txt} in PowerShell). Said as such, with the fix.
 */
public final class Utf16Text {
    /** Why such a file is not read, and the fix. */
    public static final String WHY = "is UTF-16 text (as Windows PowerShell's '>' and Notepad's 'Unicode' save it), not UTF-8: "
            + "save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)";

    private Utf16Text() {
    }

    /** Whether {@code b} is UTF-16 text: a byte order mark (FF FE or FE FF), then nothing UTF-16 cannot decode. */
    public static boolean is(byte[] b) {
        boolean mark = b.length >= 2 && b.length % 2 == 0
                && ((b[0] == (byte) 0xFF && b[1] == (byte) 0xFE) || (b[0] == (byte) 0xFE && b[1] == (byte) 0xFF));
        if (!mark) {
            return false;
        }
        try {
            StandardCharsets.UTF_16.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false; // binary that begins like UTF-16
        }
    }
}
