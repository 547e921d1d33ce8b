package org.bitbudget.sensitivity;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code output-mse}: the mean squared error of the logits, over the problem's images and every
 * class, when only the layer is quantized (weights and, if the candidate says so, its input) and
 * every other layer stays float. Needs images but no labels.
 */
public final class OutputMseEstimator implements SensitivityEstimator {
    public static final String NAME = "output-mse";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SensitivityTable estimate(SensitivityProblem problem, ProgressListener progress) {
        SingleLayerRuns.Result r = SingleLayerRuns.run(problem, NAME, progress);
        List<SensitivityRow> rows = new ArrayList<>();
        for (int i = 0; i < r.cells().size(); i++) {
            SingleLayerRuns.Cell cell = r.cells().get(i);
            float[] q = r.logits()[i];
            double sum = 0;
            for (int j = 0; j < q.length; j++) {
                double d = (double) q[j] - r.baseline()[j];
                sum += d * d;
            }
            rows.add(SensitivityRow.of(cell.layer().name(), NAME, cell.precision(), sum / q.length, r.cellSeconds(i)));
        }
        return new SensitivityTable(rows);
    }
}
