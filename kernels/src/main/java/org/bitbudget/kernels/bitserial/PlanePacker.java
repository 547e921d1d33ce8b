package org.bitbudget.kernels.bitserial;

/**
 * Spreads a row-major matrix of small integers over bit planes in {@link BitPlanes}' layout. An
 * engine packs every layer's activations on every call, so this is as much a kernel as the GEMM:
 * it has a Vector API implementation and this scalar twin, chosen through {@link PlanePackerFamily}.
 */
public interface PlanePacker {

    /**
     * Sets the bits of {@code planes} (all zero on entry), whose layout is
     * {@code planes[(word * bits + plane) * rows + row]}, bit {@code col % 64} of word {@code col / 64}.
     *
     * @return the index {@code row * k + col} of the first value outside the format, or -1 if all
     *         are inside; the planes are unspecified when one is outside
     */
    int pack(byte[] values, int offset, int rows, int k, Encoding encoding, int bits, long[] planes);

    /** The scalar twin, also the tail of the vector implementation. */
    final class Scalar implements PlanePacker {
        @Override
        public int pack(byte[] values, int offset, int rows, int k, Encoding encoding, int bits, long[] planes) {
            for (int row = 0; row < rows; row++) {
                int bad = packColumns(values, offset, rows, k, encoding, bits, planes, row, 0, k);
                if (bad >= 0) {
                    return bad;
                }
            }
            return -1;
        }

        /** Packs columns {@code [from, to)} of one row; returns the first bad index or -1. */
        static int packColumns(
                byte[] values,
                int offset,
                int rows,
                int k,
                Encoding encoding,
                int bits,
                long[] planes,
                int row,
                int from,
                int to) {
            int min = encoding.min(bits);
            int max = encoding.max(bits);
            for (int col = from; col < to; col++) {
                int value = values[offset + row * k + col];
                if (value < min || value > max || (encoding == Encoding.BINARY && value == 0)) {
                    return row * k + col;
                }
                int code = encoding.code(value, bits);
                int word = col >>> 6;
                long bit = 1L << col;
                for (int plane = 0; plane < bits; plane++) {
                    if ((code >>> plane & 1) != 0) {
                        planes[(word * bits + plane) * rows + row] |= bit;
                    }
                }
            }
            return -1;
        }
    }
}
