/**
 * Training in double precision over the graph IR: {@link org.bitbudget.model.train.Autodiff} runs a
 * graph forward with the float engine's operator semantics and back-propagates gradients to its
 * parameters, {@link org.bitbudget.model.train.SoftmaxCrossEntropy} is the classification loss,
 * and {@link org.bitbudget.model.train.DTensor} the value type;
 * {@link org.bitbudget.model.train.Trainer.Reparametrization} hooks quantization-aware training into
 * the trainer, {@link org.bitbudget.model.train.A2qWeightNormalization} being A2Q's.
 */
package org.bitbudget.model.train;
