package org.bitbudget.ops.compute;

import java.util.Arrays;

/**
 * The sizes of a numpy-style MatMul, shared by the float engine and the training pass: rank-1
 * operands are promoted (and their axis dropped from the result), leading axes broadcast.
 *
 * @param outDims the result's dimensions
 * @param batches the number of broadcast batch elements
 * @param m       rows of each A matrix
 * @param k       the reduction length
 * @param n       columns of each B matrix
 * @param foldA   true when B is 2-D, so every leading axis of A folds into rows and one product suffices
 * @param aIndex  per batch element, the A matrix it reads (null when {@code foldA})
 * @param bIndex  per batch element, the B matrix it reads (null when {@code foldA})
 */
public record MatMulShape(int[] outDims, int batches, int m, int k, int n, boolean foldA, int[] aIndex, int[] bIndex) {

    /**
     * The shape of {@code a x b}.
     *
     * @throws IllegalArgumentException when the inner dimensions differ or the batch axes do not broadcast
     */
    public static MatMulShape of(int[] aDims, int[] bDims) {
        int[] ad = aDims;
        int[] bd = bDims;
        if (ad.length == 0 || bd.length == 0) {
            throw new IllegalArgumentException("MatMul needs inputs of rank 1 or more");
        }
        boolean aVector = ad.length == 1;
        boolean bVector = bd.length == 1;
        if (aVector) {
            ad = new int[] {1, ad[0]};
        }
        if (bVector) {
            bd = new int[] {bd[0], 1};
        }
        int m = ad[ad.length - 2];
        int k = ad[ad.length - 1];
        int n = bd[bd.length - 1];
        if (bd[bd.length - 2] != k) {
            throw new IllegalArgumentException(
                    "inner dimensions differ: " + Arrays.toString(aDims) + " x " + Arrays.toString(bDims));
        }
        int[] aBatch = Arrays.copyOf(ad, ad.length - 2);
        int[] bBatch = Arrays.copyOf(bd, bd.length - 2);
        int[] batch = Broadcast.shape(aBatch, bBatch);
        int batches = 1;
        for (int d : batch) {
            batches *= d;
        }
        int[] outDims = new int[batch.length + (aVector ? 0 : 1) + (bVector ? 0 : 1)];
        System.arraycopy(batch, 0, outDims, 0, batch.length);
        int pos = batch.length;
        if (!aVector) {
            outDims[pos++] = m;
        }
        if (!bVector) {
            outDims[pos] = n;
        }
        boolean foldA = bBatch.length == 0;
        return new MatMulShape(
                outDims,
                batches,
                m,
                k,
                n,
                foldA,
                foldA ? null : Broadcast.sourceIndices(batch, aBatch),
                foldA ? null : Broadcast.sourceIndices(batch, bBatch));
    }
}
