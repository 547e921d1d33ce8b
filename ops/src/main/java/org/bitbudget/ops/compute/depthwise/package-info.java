/**
 * Direct depthwise convolution of zero-padded planes for the reference engine: a Vector API
 * kernel, its scalar twin with bit-identical results, and its kernel family.
 */
package org.bitbudget.ops.compute.depthwise;
