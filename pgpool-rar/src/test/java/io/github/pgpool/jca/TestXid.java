package io.github.pgpool.jca;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import javax.transaction.xa.Xid;

/** A transaction branch identifier as a transaction manager would make one; equal to any Xid with the same parts. */
final class TestXid implements Xid {
    /** Marks this test suite's branches in pg_prepared_xacts (pgjdbc writes the format id first). */
    static final int FORMAT_ID = 0x7067;

    private final byte[] gtrid;
    private final byte[] bqual;

    private TestXid(byte[] gtrid, byte[] bqual) {
        this.gtrid = gtrid;
        this.bqual = bqual;
    }

    static TestXid random() {
        return new TestXid(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII),
                "branch-1".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public int getFormatId() {
        return FORMAT_ID;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return gtrid.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
        return bqual.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Xid)) {
            return false;
        }
        Xid other = (Xid) o;
        return other.getFormatId() == FORMAT_ID && Arrays.equals(gtrid, other.getGlobalTransactionId())
                && Arrays.equals(bqual, other.getBranchQualifier());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(gtrid) * 31 + Arrays.hashCode(bqual);
    }

    @Override
    public String toString() {
        return "TestXid{" + new String(gtrid, StandardCharsets.US_ASCII) + "}";
    }
}
