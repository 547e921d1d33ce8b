/**
 * Bit-serial dot products for weights and activations of at most 4 bits: operands packed as bit
 * planes in longs ({@link org.bitbudget.kernels.bitserial.BitPlanes}), multiplied by AND (XOR for
 * two binary operands) and popcount, in a Vector API kernel and its scalar twin with identical
 * results, chosen through {@link org.bitbudget.kernels.bitserial.BitSerialFamily}.
 */
package org.bitbudget.kernels.bitserial;
