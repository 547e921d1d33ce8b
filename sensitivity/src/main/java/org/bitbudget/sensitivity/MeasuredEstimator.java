package org.bitbudget.sensitivity;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code measured}: the ground truth the other estimators approximate. With only the layer
 * quantized (every other layer float), the model runs on the problem's images; the score is the
 * increase of the mean softmax cross-entropy over the float model's, and each row also carries the
 * top-1 accuracy and its drop from the float model's (first largest logit wins ties, as
 * {@code eval} counts).
 */
public final class MeasuredEstimator implements SensitivityEstimator {
    public static final String NAME = "measured";

    @Override
    public String name() {
        return NAME;
    }

    /** Mean cross-entropy and accuracy of [n × classes] logits. */
    record Quality(double loss, double accuracy) {
        static Quality of(float[] logits, int classes, int[] labels) {
            double loss = 0;
            int correct = 0;
            for (int i = 0; i < labels.length; i++) {
                int row = i * classes;
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (logits[row + c] > logits[row + best]) {
                        best = c;
                    }
                }
                if (best == labels[i]) {
                    correct++;
                }
                double max = logits[row + best];
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(logits[row + c] - max);
                }
                loss += Math.log(sum) + max - logits[row + labels[i]];
            }
            return new Quality(loss / labels.length, (double) correct / labels.length);
        }
    }

    @Override
    public SensitivityTable estimate(SensitivityProblem problem, ProgressListener progress) {
        SingleLayerRuns.Result r = SingleLayerRuns.run(problem, NAME, progress);
        int[] labels = problem.labels();
        Quality base = Quality.of(r.baseline(), r.classes(), labels);
        List<SensitivityRow> rows = new ArrayList<>();
        for (int i = 0; i < r.cells().size(); i++) {
            SingleLayerRuns.Cell cell = r.cells().get(i);
            Quality q = Quality.of(r.logits()[i], r.classes(), labels);
            rows.add(new SensitivityRow(
                    cell.layer().name(),
                    NAME,
                    cell.precision(),
                    q.loss() - base.loss(),
                    r.cellSeconds(i),
                    Double.NaN,
                    q.accuracy(),
                    base.accuracy() - q.accuracy()));
        }
        return new SensitivityTable(rows);
    }
}
