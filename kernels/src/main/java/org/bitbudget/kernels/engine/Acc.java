package org.bitbudget.kernels.engine;

/**
 * A batch of int32 accumulators in NHWC order: the integer form of a float tensor between a layer
 * and the next requantization. Channel j's real value is {@code values[i] * unit[j]}, with the units
 * kept by the plan, not here.
 *
 * @param values batch * h * w rows of c
 * @param batch  images
 * @param h      rows
 * @param w      columns
 * @param c      channels
 */
record Acc(int[] values, int batch, int h, int w, int c) {}
