package org.bitbudget.ops.compute.sgemm;

import org.bitbudget.ops.compute.blocked.ChannelBlocked16;

/** The scalar twin of {@link VectorBlockedSgemm}: each element's chain in order, stored at its blocked place. */
public final class ScalarBlockedSgemm implements BlockedSgemm {
    @Override
    public void multiply(
            PackedWeights a,
            int n,
            float[] b,
            int[] rows,
            int[] columns,
            float[] c,
            int cOff,
            int blockStride,
            float[] residual,
            int residualOff,
            float lo,
            float hi) {
        int k = a.k();
        int r = a.rowsPerPanel();
        float[] panels = a.panels();
        for (int i = 0; i < a.m(); i++) {
            int row = i / r * k * r + i % r;
            int at = cOff + i / ChannelBlocked16.BLOCK * blockStride + i % ChannelBlocked16.BLOCK;
            for (int j = 0; j < n; j++) {
                float acc = a.bias()[i];
                for (int p = 0; p < k; p++) {
                    acc = Math.fma(panels[row + p * r], b[rows[p] + columns[j]], acc);
                }
                int to = at + j * ChannelBlocked16.BLOCK;
                if (residual != null) {
                    acc = acc + residual[to - cOff + residualOff];
                }
                c[to] = Math.min(Math.max(acc, lo), hi);
            }
        }
        BlockedSgemm.zeroPaddedLanes(a.m(), n, c, cOff, blockStride);
    }
}
