package org.bitbudget.ops.compute.sgemm;

/** The scalar twin of {@link VectorPackedSgemm}, with panels of one row (A row-major). */
public final class ScalarPackedSgemm implements PackedSgemm {
    @Override
    public int rowsPerPanel() {
        return 1;
    }

    @Override
    public void multiply(
            PackedWeights a, int n, float[] b, int[] rows, float[] c, int cOff, int ldc, float lo, float hi) {
        int k = a.k();
        int r = a.rowsPerPanel();
        float[] panels = a.panels();
        for (int i = 0; i < a.m(); i++) {
            int row = i / r * k * r + i % r;
            for (int j = 0; j < n; j++) {
                float acc = a.bias()[i];
                for (int p = 0; p < k; p++) {
                    acc = Math.fma(panels[row + p * r], b[rows[p] + j], acc);
                }
                c[cOff + i * ldc + j] = Math.min(Math.max(acc, lo), hi);
            }
        }
    }

    @Override
    public int rowsPerColumnPanel() {
        return 1;
    }

    @Override
    public void multiplyColumns(
            PackedWeights a,
            int n,
            float[] b,
            int[] rows,
            int[] columns,
            float[] c,
            int cOff,
            int ldc,
            float lo,
            float hi) {
        int k = a.k();
        int r = a.rowsPerPanel();
        float[] panels = a.panels();
        for (int i = 0; i < a.m(); i++) {
            int row = i / r * k * r + i % r;
            for (int j = 0; j < n; j++) {
                float acc = a.bias()[i];
                for (int p = 0; p < k; p++) {
                    acc = Math.fma(panels[row + p * r], b[rows[p] + columns[j]], acc);
                }
                c[cOff + i * ldc + j] = Math.min(Math.max(acc, lo), hi);
            }
        }
    }
}
