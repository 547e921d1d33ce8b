/**
 * Float elementwise kernels of the integer engine's float islands (HardSwish, a per-channel scale or
 * offset over NHWC rows), each with a scalar twin that gives the same floats bit for bit.
 */
package org.bitbudget.kernels.elementwise;
