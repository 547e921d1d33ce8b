/**
 * Direct depthwise convolution on integer codes into exact int32 sums, in place of one im2col GEMM
 * per channel.
 */
package org.bitbudget.kernels.depthwise;
