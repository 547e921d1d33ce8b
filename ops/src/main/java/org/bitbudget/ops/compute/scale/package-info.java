/**
 * A run of floats times one float (a squeeze-excitation scale, an operand that broadcasts over a
 * plane): a Vector API kernel and its scalar twin with bit-identical results, chosen by the kernel
 * provider like the SGEMM.
 */
package org.bitbudget.ops.compute.scale;
