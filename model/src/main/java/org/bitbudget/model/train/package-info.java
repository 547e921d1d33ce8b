/**
 * Training in double precision over the graph IR: {@link org.bitbudget.model.train.Autodiff} runs a
 * graph forward with the float engine's operator semantics and back-propagates gradients to its
 * parameters, {@link org.bitbudget.model.train.SoftmaxCrossEntropy} is the classification loss,
 * and {@link org.bitbudget.model.train.DTensor} the value type.
 */
package org.bitbudget.model.train;
