package org.bitbudget.ops.compute.sgemm;

/**
 * The A operand of a {@link PackedSgemm}, an m x k matrix with one bias per row, laid out in panels
 * of {@code rowsPerPanel} rows: element (i, p) at {@code panels[((i / r) * k + p) * r + i % r]} for
 * r = rowsPerPanel, so that the kernel reads the r values it broadcasts at step p from one run.
 * Rows past m (the last panel's padding) hold zeros, and so does {@code bias} past m.
 *
 * @param m            rows
 * @param k            columns
 * @param rowsPerPanel rows per panel, the kernel's register tile height
 * @param panels       the panels, {@code ceil(m / rowsPerPanel) * rowsPerPanel * k} floats
 * @param bias         where each row's chain starts, {@code ceil(m / rowsPerPanel) * rowsPerPanel} floats
 */
public record PackedWeights(int m, int k, int rowsPerPanel, float[] panels, float[] bias) {

    /**
     * Packs A, element (i, p) at {@code a[aOff + i * lda + p]}, with the bias of row i at
     * {@code bias[biasOff + i]} (zero for every row when {@code bias} is null).
     */
    public static PackedWeights pack(
            int rowsPerPanel, int m, int k, float[] a, int aOff, int lda, float[] bias, int biasOff) {
        int rows = (m + rowsPerPanel - 1) / rowsPerPanel * rowsPerPanel;
        float[] panels = new float[rows * k];
        float[] starts = new float[rows];
        for (int i = 0; i < m; i++) {
            int panel = i / rowsPerPanel * k * rowsPerPanel + i % rowsPerPanel;
            for (int p = 0; p < k; p++) {
                panels[panel + p * rowsPerPanel] = a[aOff + i * lda + p];
            }
            starts[i] = bias == null ? 0f : bias[biasOff + i];
        }
        return new PackedWeights(m, k, rowsPerPanel, panels, starts);
    }

    /** Panels of {@link #rowsPerPanel()} rows. */
    public int panelCount() {
        return (m + rowsPerPanel - 1) / rowsPerPanel;
    }
}
