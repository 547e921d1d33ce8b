package org.bitbudget.data.metric;

import org.bitbudget.ir.tensor.Tensor;

/**
 * {@code kl}: the mean over samples of the KL divergence {@code KL(float ‖ quantized) = Σ p log(p / q)}
 * of the softmax of the float model's outputs {@code p} from the softmax of the scored outputs {@code
 * q}, in nats, computed in double from log-softmax. Needs no labels; 0 is the float model itself.
 */
public final class KlMetric implements Metric {
    public static final String NAME = "kl";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Direction direction() {
        return Direction.LOWER_IS_BETTER;
    }

    @Override
    public boolean needsLabels() {
        return false;
    }

    @Override
    public double score(Tensor outputs, Tensor reference, int[] labels) {
        Outputs o = Outputs.of(outputs, reference, labels, false, NAME);
        double total = 0;
        for (int i = 0; i < o.n(); i++) {
            double[] logP = Softmax.logProbabilities(reference.data(), i, o.classes());
            double[] logQ = Softmax.logProbabilities(outputs.data(), i, o.classes());
            double kl = 0;
            for (int c = 0; c < o.classes(); c++) {
                kl += Math.exp(logP[c]) * (logP[c] - logQ[c]);
            }
            total += kl;
        }
        return total / o.n();
    }
}
