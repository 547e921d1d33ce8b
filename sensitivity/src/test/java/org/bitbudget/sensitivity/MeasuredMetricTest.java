package org.bitbudget.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Split;
import org.bitbudget.data.metric.Metrics;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.onnx.OnnxImporter;
import org.junit.jupiter.api.Test;

/**
 * The {@code measured} estimator scores by the problem's metric on the reference LeNet-5 and 300
 * Fashion-MNIST train images: by {@code mse} it is exactly {@code output-mse} (same logits, same
 * mean); by {@code kl} every damage is a divergence (at least 0) and the int2 cells damage more than
 * the int8 ones; by {@code agreement} it is the share of changed predictions; the accuracy columns do
 * not depend on the metric.
 */
class MeasuredMetricTest {
    private static final List<Precision> CANDIDATES =
            List.of(SensitivityEstimatorsTest.weights("int8"), SensitivityEstimatorsTest.weights("int2"));

    private static SensitivityProblem problem(String metric) {
        String shared = System.getProperty("bitbudget.shared", "../../shared");
        Graph lenet = OnnxImporter.load(Path.of(shared, "models", "lenet5.onnx"));
        DataSource train = DataSources.open("fashion-mnist", Split.TRAIN);
        SensitivityProblem p = SensitivityEstimatorsTest.problem(lenet, train, 300, CANDIDATES);
        return SensitivityProblem.builder(lenet)
                .calibration(p.images(), p.labels())
                .precisions(CANDIDATES)
                .threads(2)
                .metric(Metrics.of(metric))
                .build();
    }

    private static List<Double> scores(SensitivityTable t) {
        return t.rows().stream().map(SensitivityRow::score).toList();
    }

    @Test
    void byMseItIsOutputMse() {
        SensitivityProblem p = problem("mse");
        assertEquals(
                scores(new OutputMseEstimator().estimate(p, ProgressListener.NONE)),
                scores(new MeasuredEstimator().estimate(p, ProgressListener.NONE)));
    }

    @Test
    void byKlAndAgreementTheDamagesAreDivergencesAndChangedPredictions() {
        SensitivityTable kl = new MeasuredEstimator().estimate(problem("kl"), ProgressListener.NONE);
        SensitivityTable agreement = new MeasuredEstimator().estimate(problem("agreement"), ProgressListener.NONE);
        SensitivityTable top1 = new MeasuredEstimator().estimate(problem("top1"), ProgressListener.NONE);
        List<SensitivityRow> rows = kl.rows();
        for (int i = 0; i < rows.size(); i++) {
            assertTrue(rows.get(i).score() >= 0, rows.get(i).toString());
            double changed = agreement.rows().get(i).score();
            assertTrue(changed >= 0 && changed <= 1, agreement.rows().get(i).toString());
            assertEquals(changed * 300, Math.rint(changed * 300), 1e-9, "a share of 300 images");
            assertEquals(top1.rows().get(i).accuracy(), rows.get(i).accuracy());
            assertEquals(top1.rows().get(i).accuracyDrop(), rows.get(i).accuracyDrop());
        }
        for (int layer = 0; layer < rows.size(); layer += 2) {
            assertTrue(rows.get(layer + 1).score() > rows.get(layer).score(), "int2 beyond int8: " + rows.get(layer));
        }
    }
}
