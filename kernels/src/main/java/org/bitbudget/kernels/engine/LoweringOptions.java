package org.bitbudget.kernels.engine;

/**
 * How {@link Lowering} chooses each layer's kernel and fuses activations; the options of
 * {@link IntegerEngine.Builder}.
 *
 * @param bitSerial       whether layers of at most 4-bit operands may run bit-serial
 * @param int16           whether layers whose bound allows it may accumulate in int16
 * @param fma             whether one-group layers may run on fp32 FMA
 * @param fuseActivations whether a HardSwish between layers runs in the next layer's quantization step
 * @param forced          the path every layer it is exact for runs on, or null
 * @param measure         whether layers with several exact paths run on the one timed fastest
 *                        ({@link PathChoice}) rather than the rule's
 */
record LoweringOptions(
        boolean bitSerial, boolean int16, boolean fma, boolean fuseActivations, KernelPath forced, boolean measure) {}
