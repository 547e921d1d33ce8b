package org.bitbudget.cli;

import org.bitbudget.data.DataSource;
import org.bitbudget.data.metric.Metric;
import org.bitbudget.data.metric.Metrics;
import org.bitbudget.ir.UnknownNameException;
import org.bitbudget.ir.UserInputException;
import picocli.CommandLine.Option;

/** {@code --metric}: how every command that scores a model scores it. */
final class MetricOption {
    @Option(
            names = "--metric",
            paramLabel = "M",
            description = {"How a model is scored (default: top1 with labels, else agreement):", "${bundle:metrics}"})
    String metric;

    /**
     * The named metric, else the default for {@code evaluation}; a metric with labels on data
     * without them is an error naming the option.
     */
    Metric resolve(DataSource evaluation) {
        if (metric == null) {
            return Metrics.defaultFor(evaluation.labelled());
        }
        Metric m;
        try {
            m = Metrics.of(metric);
        } catch (UnknownNameException e) {
            throw new UserInputException("--metric", e.reason());
        }
        if (m.needsLabels() && !evaluation.labelled()) {
            throw new UserInputException(
                    "--metric " + metric,
                    "needs labels and " + evaluation.name() + " has none; agreement, kl, sqnr and mse need none");
        }
        return m;
    }
}
