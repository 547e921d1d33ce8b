/**
 * Requantization of int32 accumulators to the next layer's 8-bit format with a fixed-point
 * multiplier and right shift, bit-exact with gemmlowp and TensorFlow Lite.
 */
package org.bitbudget.kernels.requant;
