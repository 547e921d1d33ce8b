package org.bitbudget.kernels.bitserial;

import static jdk.incubator.vector.VectorOperators.AND;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API plane packing: one loop shape over the full 64-column words of a row. Each step loads
 * as many bytes as its byte vector holds (64 at 512 bits, so one load per word; every width the
 * kernel provider runs, 128 to 512 bits, divides a word), checks the range with two compares, and
 * turns each plane into a lane mask ({@code AND (1 << p) != 0}, for binary values {@code > 0}) whose
 * {@link VectorMask#toLong} is that plane's bits of the word. A two's complement or unsigned value
 * inside the format's range has its code's bits as its own low bits, so no encoding step is needed.
 * A row's last, partial word is loaded under a lane mask, so no column is left to a scalar loop.
 */
final class VectorPlanePacker implements PlanePacker {
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorWidth.of(MethodHandles.lookup()));
    private static final int PARTS = Long.SIZE / BYTES.length();

    @Override
    public int pack(byte[] values, int offset, int rows, int k, Encoding encoding, int bits, long[] planes) {
        byte min = (byte) encoding.min(bits);
        byte max = (byte) encoding.max(bits);
        boolean binary = encoding == Encoding.BINARY;
        int words = (k + 63) >>> 6;
        for (int row = 0; row < rows; row++) {
            int start = offset + row * k;
            for (int word = 0; word < words; word++) {
                for (int part = 0; part < PARTS; part++) {
                    int col = word * Long.SIZE + part * BYTES.length();
                    if (col >= k) {
                        break;
                    }
                    // Columns past k (the row's last, partial word) are masked off: not loaded, not set.
                    VectorMask<Byte> inside = BYTES.indexInRange(col, k);
                    ByteVector v = ByteVector.fromArray(BYTES, values, start + col, inside);
                    VectorMask<Byte> bad = v.compare(LT, min).or(v.compare(GT, max));
                    if (binary) {
                        bad = bad.or(v.compare(EQ, (byte) 0));
                    }
                    bad = bad.and(inside);
                    if (bad.anyTrue()) {
                        return row * k + col + bad.firstTrue();
                    }
                    int shift = part * BYTES.length();
                    for (int plane = 0; plane < bits; plane++) {
                        VectorMask<Byte> set = binary
                                ? v.compare(GT, (byte) 0)
                                : v.lanewise(AND, (byte) (1 << plane)).compare(NE, (byte) 0);
                        planes[(word * bits + plane) * rows + row] |=
                                set.and(inside).toLong() << shift;
                    }
                }
            }
        }
        return -1;
    }
}
