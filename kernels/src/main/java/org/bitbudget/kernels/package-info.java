/**
 * Vector API integer kernels ({@code gemm}, {@code bitserial}), requantization ({@code requant}) and
 * the integer engine that runs a whole quantized chain-shaped CNN on them ({@code engine}).
 */
package org.bitbudget.kernels;
