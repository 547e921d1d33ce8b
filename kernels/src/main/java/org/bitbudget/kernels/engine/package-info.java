/**
 * The integer engine: runs a whole quantized chain-shaped CNN with integer tensors between layers,
 * float only at the input quantizer and the final logits. Start at {@link org.bitbudget.kernels.engine.IntegerEngine}.
 */
package org.bitbudget.kernels.engine;
