package org.bitbudget.data.metric;

import java.util.List;
import java.util.function.Supplier;
import org.bitbudget.ir.Registry;
import org.bitbudget.ir.UnknownNameException;

/**
 * The metrics by name. To add one, write its {@link Metric} and add one line to {@link #REGISTRY}:
 * {@code --metric}, its help and errors, and the experiment YAML's {@code metric:} read the names and
 * descriptions from here.
 */
public final class Metrics {
    /** One metric: its name, a one-line description for help texts, and how to build it. */
    public record Entry(String name, String description, Supplier<Metric> factory) implements Registry.Entry {}

    /** Every metric: those with labels first, then the label-free ones against the float model. */
    public static final Registry<Entry> REGISTRY = Registry.of(
            "metric",
            List.of(
                    new Entry(Top1Metric.NAME, "top-1 accuracy (labels)", Top1Metric::new),
                    new Entry(Top5Metric.NAME, "top-5 accuracy (labels)", Top5Metric::new),
                    new Entry(AgreementMetric.NAME, "top-1 agreement with float", AgreementMetric::new),
                    new Entry(KlMetric.NAME, "KL(float || quantized), nats", KlMetric::new),
                    new Entry(SqnrMetric.NAME, "output SQNR vs float, dB", SqnrMetric::new),
                    new Entry(MseMetric.NAME, "output MSE vs float", MseMetric::new)));

    /** Every metric's name, in {@link #REGISTRY} order. */
    public static final List<String> NAMES = REGISTRY.names();

    private Metrics() {}

    /**
     * The metric called {@code name}.
     *
     * @throws UnknownNameException for an unknown name, listing the known ones
     */
    public static Metric of(String name) {
        return REGISTRY.get(name).factory().get();
    }

    /**
     * The metric used when none is named: {@code top1} for labelled data, else {@code kl}, whose choices
     * track top-1 more closely than agreement's (a smooth score ranks configs where agreement ties).
     */
    public static Metric defaultFor(boolean labelled) {
        return labelled ? new Top1Metric() : new KlMetric();
    }
}
