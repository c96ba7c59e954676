package io.dbbackup.core;

import io.dbbackup.testkit.FakeWal;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class WalSegmentHeaderTest {
    private static WalFileName name(String n) {
        return WalFileName.parse(n).orElseThrow();
    }

    @Test
    void aSegmentMatchesItsNameWhateverItsSizeAndAnotherPositionDoesNot() {
        byte[] seg = FakeWal.segment("000000020000000A00000011", 16 << 20, 1);
        assertThat(WalSegmentHeader.mismatch(name("000000020000000A00000011"), seg, seg.length)).isEmpty();
        assertThat(WalSegmentHeader.mismatch(name("000000020000000A00000011.partial"), seg, seg.length)).isEmpty();
        assertThat(WalSegmentHeader.mismatch(name("000000020000000A00000012"), seg, seg.length)).get().asString()
                .contains("its first page is WAL position A/11000000, segment 000000020000000A00000012 starts at A/12000000");
        assertThat(WalSegmentHeader.mismatch(name("000000020000000A00000011"), seg, 1 << 20)).get().asString()
                .contains("holds 1048576 bytes");
        // 64 MiB segments (initdb --wal-segsize=64): 64 per log, positions of 64 MiB
        byte[] big = new byte[WalSegmentHeader.LENGTH];
        FakeWal.header(big, 1, 0x3_0000_0000L + 5L * (64 << 20), FakeWal.SYSTEM, 64 << 20);
        assertThat(WalSegmentHeader.mismatch(name("000000010000000300000005"), big, 64 << 20)).isEmpty();
        assertThat(WalSegmentHeader.mismatch(name("000000010000000300000040"), big, 64 << 20)).get().asString()
                .contains("no segment of 64 MiB WAL");
        // history and backup history files are text
        assertThat(WalSegmentHeader.mismatch(name("00000002.history"), new byte[3], 3)).isEmpty();
        assertThat(WalSegmentHeader.mismatch(name("000000010000000000000002.00000028.backup"), new byte[3], 3)).isEmpty();
        assertThat(WalSegmentHeader.mismatch(name("000000010000000000000002"), new byte[16 << 20], 16 << 20)).get().asString()
                .contains("does not start with a WAL segment header");
    }

    @Test
    void aBigEndianServersHeaderAndItsSystemIdentifierAreRead() {
        ByteBuffer b = ByteBuffer.allocate(WalSegmentHeader.LENGTH).order(ByteOrder.BIG_ENDIAN);
        b.putShort(0, (short) 0xD110).putShort(2, (short) 2).putInt(4, 1).putLong(8, 0x0000_0001_0700_0000L)
                .putLong(24, 42L).putInt(32, 16 << 20).putInt(36, 8192);
        byte[] first = b.array();
        assertThat(WalSegmentHeader.parse(first)).get().extracting(WalSegmentHeader::order).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(WalSegmentHeader.mismatch(name("000000010000000100000007"), first, 16 << 20)).isEmpty();
        byte[] control = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(42L).array();
        assertThat(WalSegmentHeader.otherSystem(name("000000010000000100000007"), first, control)).isEmpty();
        byte[] other = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(43L).array();
        assertThat(WalSegmentHeader.otherSystem(name("000000010000000100000007"), first, other)).get().asString()
                .contains("written by database system 42, this data directory is database system 43");
        assertThat(WalSegmentHeader.otherSystem(name("000000010000000100000007"), first, new byte[0])).isEmpty();
    }
}
