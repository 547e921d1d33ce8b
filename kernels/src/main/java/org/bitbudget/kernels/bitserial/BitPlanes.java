package org.bitbudget.kernels.bitserial;

/**
 * A matrix of {@code rows} vectors of length {@code k}, each entry a {@code bits}-bit integer of one
 * {@link Encoding}, stored as bit planes packed 64 entries to a long.
 *
 * <p>Layout: entry (row, col) contributes bit {@code col % 64} of the long at
 * {@code planes[((col / 64) * bits + plane) * rows + row]}, i.e. word-major, then plane, then row.
 * Rows are innermost so that a vector kernel loads one word of one plane for consecutive rows
 * (output channels) with a single contiguous load. Columns past k in the last word are zero in every
 * plane, so AND and XOR with another operand's padding add nothing to any popcount.
 *
 * <p>Each row also keeps the sum of its values: the dot-product kernels need it when an operand is
 * binary, and callers need the weights' row sums to apply an activation zero point zp outside the
 * kernel: {@code sum((a - zp) * w) = dot(a, w) - zp * rowSum(w row)}.
 */
public final class BitPlanes {
    private final int rows;
    private final int k;
    private final int bits;
    private final Encoding encoding;
    private final int words;
    private final long[] planes;
    private final int[] rowSums;

    private BitPlanes(int rows, int k, int bits, Encoding encoding, long[] planes, int[] rowSums) {
        this.rows = rows;
        this.k = k;
        this.bits = bits;
        this.encoding = encoding;
        this.words = wordsFor(k);
        this.planes = planes;
        this.rowSums = rowSums;
    }

    /**
     * Packs a row-major {@code rows x k} matrix of integers given as bytes.
     *
     * @param values   entry (row, col) at {@code values[offset + row * k + col]}
     * @param encoding how to encode them; every value must lie in
     *                 [{@link Encoding#min encoding.min(bits)}, {@link Encoding#max encoding.max(bits)}]
     *                 and binary values must be -1 or +1
     * @throws IllegalArgumentException naming the first entry out of range, or a bad shape or width
     */
    public static BitPlanes pack(byte[] values, int offset, int rows, int k, Encoding encoding, int bits) {
        if (!encoding.allows(bits)) {
            throw new IllegalArgumentException(encoding + " encoding cannot use " + bits + " bits");
        }
        if (rows < 1 || k < 1) {
            throw new IllegalArgumentException("shape " + rows + " x " + k + " is empty");
        }
        if (offset < 0 || (long) offset + (long) rows * k > values.length) {
            throw new IllegalArgumentException("shape " + rows + " x " + k + " at offset " + offset
                    + " does not fit in " + values.length + " values");
        }
        int words = wordsFor(k);
        long[] planes = new long[Math.multiplyExact(Math.multiplyExact(words, bits), rows)];
        int bad = PlanePackerFamily.get().pack(values, offset, rows, k, encoding, bits, planes);
        if (bad >= 0) {
            throw new IllegalArgumentException("value " + values[offset + bad] + " at row " + bad / k + ", column "
                    + bad % k + " is not a " + bits + "-bit " + encoding + " value");
        }
        int[] rowSums = new int[rows];
        for (int row = 0; row < rows; row++) {
            rowSums[row] = sumFromPlanes(planes, row, rows, k, words, encoding, bits);
        }
        return new BitPlanes(rows, k, bits, encoding, planes, rowSums);
    }

    /** A row's sum from its planes: each plane's popcount times its coefficient, plus the offset of every value. */
    private static int sumFromPlanes(long[] planes, int row, int rows, int k, int words, Encoding encoding, int bits) {
        int sum = encoding.offset() * k;
        for (int plane = 0; plane < bits; plane++) {
            int count = 0;
            for (int word = 0; word < words; word++) {
                count += Long.bitCount(planes[(word * bits + plane) * rows + row]);
            }
            int term = count << encoding.shift(plane);
            sum += encoding.negative(plane, bits) ? -term : term;
        }
        return sum;
    }

    private static int wordsFor(int k) {
        return (k + 63) >>> 6;
    }

    /** Number of vectors (rows of A, or output channels of W). */
    public int rows() {
        return rows;
    }

    /** Length of every vector. */
    public int k() {
        return k;
    }

    /** Bits per entry, one plane each. */
    public int bits() {
        return bits;
    }

    /** How entries are encoded. */
    public Encoding encoding() {
        return encoding;
    }

    /** Longs per plane of one row: ceil(k / 64). */
    public int words() {
        return words;
    }

    /** Sum of the values of one row. */
    public int rowSum(int row) {
        return rowSums[row];
    }

    /** The packed planes themselves, shared (not copied) with the kernels of this package. */
    long[] planes() {
        return planes;
    }
}
