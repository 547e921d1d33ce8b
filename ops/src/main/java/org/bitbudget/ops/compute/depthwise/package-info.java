/**
 * Direct depthwise convolution of one zero-padded plane for the reference engine: a Vector API
 * kernel, its scalar twin with bit-identical results, and its kernel family.
 */
package org.bitbudget.ops.compute.depthwise;
