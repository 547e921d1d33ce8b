package org.bitbudget.sensitivity;

import java.util.List;
import java.util.function.Supplier;
import org.bitbudget.ir.Registry;
import org.bitbudget.ir.UnknownNameException;

/**
 * The estimators by name, cheapest first; {@code measured} is the ground truth. To add one, write
 * its {@link SensitivityEstimator} and add one line to {@link #REGISTRY}: the command-line help, its
 * errors and the experiment YAML check read the names and descriptions from here.
 */
public final class Estimators {
    /** One estimator: its name, a one-line description for help texts, and how to build it. */
    public record Entry(String name, String description, Supplier<SensitivityEstimator> factory)
            implements Registry.Entry {}

    /** Every estimator, cheapest first. */
    public static final Registry<Entry> REGISTRY = Registry.of(
            "estimator",
            List.of(
                    new Entry(RoundoffEstimator.NAME, "rounding error (MixQuant)", RoundoffEstimator::new),
                    new Entry(BitGradientEstimator.NAME, "gradient on dropped bits (BMPQ)", BitGradientEstimator::new),
                    new Entry(HessianEstimator.NAME, "Hessian trace (HAWQ-V2)", HessianEstimator::new),
                    new Entry(FisherEstimator.NAME, "Fisher score (AutoQuantize)", FisherEstimator::new),
                    new Entry(OutputMseEstimator.NAME, "logit MSE, one layer quantized", OutputMseEstimator::new),
                    new Entry(KlEstimator.NAME, "logit KL, one layer quantized", KlEstimator::new),
                    new Entry(MeasuredEstimator.NAME, "loss rise, one layer quantized", MeasuredEstimator::new)));

    /** Every estimator's name, in {@link #REGISTRY} order. */
    public static final List<String> NAMES = REGISTRY.names();

    private Estimators() {}

    /**
     * The estimator called {@code name}.
     *
     * @throws UnknownNameException for an unknown name, listing the known ones
     */
    public static SensitivityEstimator of(String name) {
        return REGISTRY.get(name).factory().get();
    }
}
