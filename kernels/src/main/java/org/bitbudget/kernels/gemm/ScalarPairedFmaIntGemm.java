package org.bitbudget.kernels.gemm;

/**
 * The scalar twin of {@link VectorPairedFmaIntGemm}: the same pairing in int arithmetic. Lane q of its
 * panels holds channel q and channel q + h (h = ceil(n / 2)); each block's int sum of products is split
 * into the two channels' sums exactly as the vector kernel splits its float sum, and added into C. For
 * row pairs its panels are the codes row by row, and each block's sum splits into the two rows' sums.
 */
public final class ScalarPairedFmaIntGemm implements PairedFmaIntGemm {

    @Override
    public Panels pack(int n, int k, byte[] w, int wOff, int ldw, int maxAbsA) {
        int[] ends = PairedFmaIntGemm.blockEnds(n, k, w, wOff, ldw, maxAbsA);
        int h = Math.ceilDiv(n, 2);
        float[] data = new float[h * k];
        for (int j = 0; j < n; j++) {
            int weight = j < h ? 1 : 1 << SHIFT;
            for (int p = 0; p < k; p++) {
                data[(j % h) * k + p] += weight * w[wOff + j * ldw + p];
            }
        }
        return new Panels(data, n, k, 1, maxAbsA, ends, true);
    }

    @Override
    public void multiplyIndirect(
            int m, float[] a, int[] rows, int[] segments, int segment, Panels w, int[] c, int cOff, int ldc) {
        if (!w.channelPairs()) {
            throw new IllegalArgumentException("weights packed for row pairs");
        }
        int n = w.n();
        int k = w.k();
        int h = Math.ceilDiv(n, 2);
        float[] b = w.data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * ldc + j] = 0;
            }
            for (int q = 0; q < h; q++) {
                int from = 0;
                for (int end : w.ends()) {
                    int sum = 0;
                    for (int p = from; p < end; p++) {
                        sum += (int) a[rows[i] + segments[p / segment] + p % segment] * (int) b[q * k + p];
                    }
                    int hi = (sum + (1 << (SHIFT - 1))) >> SHIFT;
                    c[cOff + i * ldc + q] += sum - (hi << SHIFT);
                    if (q + h < n) {
                        c[cOff + i * ldc + q + h] += hi;
                    }
                    from = end;
                }
            }
        }
    }

    @Override
    public Panels packRowPairs(int n, int k, byte[] w, int wOff, int ldw, int maxAbsA) {
        int[] ends = PairedFmaIntGemm.blockEnds(n, k, w, wOff, ldw, maxAbsA);
        float[] data = new float[n * k];
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                data[j * k + p] = w[wOff + j * ldw + p];
            }
        }
        return new Panels(data, n, k, 1, maxAbsA, ends, false);
    }

    @Override
    public void multiplyRowPairsIndirect(
            int m,
            float[] a,
            int[] rows,
            int[] segments,
            int segment,
            Panels w,
            int[] c,
            int cOff,
            int ldc,
            int hiOff) {
        if (w.channelPairs()) {
            throw new IllegalArgumentException("weights packed for channel pairs");
        }
        int n = w.n();
        int k = w.k();
        float[] b = w.data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int lo = 0;
                int hi = 0;
                int from = 0;
                for (int end : w.ends()) {
                    int sum = 0;
                    for (int p = from; p < end; p++) {
                        sum += (int) a[rows[i] + segments[p / segment] + p % segment] * (int) b[j * k + p];
                    }
                    int high = (sum + (1 << (SHIFT - 1))) >> SHIFT;
                    lo += sum - (high << SHIFT);
                    hi += high;
                    from = end;
                }
                c[cOff + i * ldc + j] = lo;
                c[cOff + hiOff + i * ldc + j] = hi;
            }
        }
    }

    @Override
    public void pairRows(float[] a, int to, float[] hi, int from, int length) {
        for (int x = 0; x < length; x++) {
            a[to + x] += (1 << SHIFT) * hi[from + x];
        }
    }

    @Override
    public void splitRows(float[] s, int from, int[] c, int to, int hiOff, int length) {
        for (int i = 0; i < length; i++) {
            int sum = (int) s[from + i];
            int hi = (sum + (1 << (SHIFT - 1))) >> SHIFT;
            c[to + hiOff + i] = hi;
            c[to + i] = sum - (hi << SHIFT);
        }
    }
}
