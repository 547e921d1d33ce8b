/**
 * Training in double precision over the graph IR: {@link org.bitbudget.training.Autodiff} runs a
 * graph forward with the float engine's operator semantics and back-propagates gradients to its
 * parameters, {@link org.bitbudget.training.SoftmaxCrossEntropy} is the classification loss,
 * and {@link org.bitbudget.ops.gradients.DTensor} the value type;
 * {@link org.bitbudget.training.Trainer.Reparametrization} hooks quantization-aware training into
 * the trainer, {@link org.bitbudget.training.A2qWeightNormalization} being A2Q's.
 */
package org.bitbudget.training;
