package org.bitbudget.sensitivity;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.training.Autodiff;
import org.bitbudget.training.SoftmaxCrossEntropy;

/**
 * Gradients of the softmax cross-entropy with respect to every layer's weight, from the
 * double-precision backward pass ({@link Autodiff}, BatchNorm in inference mode), over the
 * problem's images in batches of {@link SensitivityProblem#batchSize()}, the batches in parallel.
 * Weights are passed and returned as one {@code double[]} per layer, in graph order.
 */
final class LossGradients {
    private final SensitivityProblem problem;
    private final Autodiff autodiff;
    private final List<Layer> layers;
    private final String input;
    private final String output;
    private final DTensor[] batches;
    private final int[][] batchLabels;

    LossGradients(SensitivityProblem problem) {
        this.problem = problem;
        this.autodiff = new Autodiff(problem.graph());
        this.layers = problem.graph().layers();
        this.input = problem.graph().inputs().getFirst().name();
        this.output = problem.graph().outputs().getFirst().name();
        Tensor images = problem.images();
        int n = problem.size();
        int per = images.shape().size() / n;
        int b = problem.batchSize();
        int count = (n + b - 1) / b;
        batches = new DTensor[count];
        batchLabels = new int[count][];
        int[] labels = problem.labels();
        int[] dims = images.shape().dims();
        for (int i = 0; i < count; i++) {
            int from = i * b;
            int size = Math.min(b, n - from);
            double[] x = new double[size * per];
            for (int j = 0; j < x.length; j++) {
                x[j] = images.data()[from * per + j];
            }
            int[] shape = dims.clone();
            shape[0] = size;
            batches[i] = DTensor.of(shape, x);
            batchLabels[i] = java.util.Arrays.copyOfRange(labels, from, from + size);
        }
    }

    List<Layer> layers() {
        return layers;
    }

    int batchCount() {
        return batches.length;
    }

    /** Every layer's weight as the graph holds it. */
    double[][] weights() {
        double[][] w = new double[layers.size()][];
        for (int l = 0; l < w.length; l++) {
            float[] f = problem.graph()
                    .initializers()
                    .get(layers.get(l).weightName())
                    .data();
            w[l] = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                w[l][i] = f[i];
            }
        }
        return w;
    }

    /**
     * Per batch, per layer: the gradient of the batch's mean loss with respect to the layer's weight,
     * at weights {@code w} (null: the graph's).
     */
    double[][][] perBatch(double[][] w) {
        Map<String, DTensor> params = new LinkedHashMap<>();
        if (w != null) {
            for (int l = 0; l < layers.size(); l++) {
                Layer layer = layers.get(l);
                params.put(layer.weightName(), DTensor.of(layer.weightShape().dims(), w[l]));
            }
        }
        double[][][] out = new double[batches.length][][];
        Parallel.forEach(problem.threads(), batches.length, b -> {
            Autodiff.Tape tape = autodiff.forward(Map.of(input, batches[b]), params, false);
            SoftmaxCrossEntropy.Result loss = SoftmaxCrossEntropy.of(tape.value(output), batchLabels[b]);
            Map<String, DTensor> g = autodiff.backward(tape, Map.of(output, loss.gradient()), false);
            double[][] perLayer = new double[layers.size()][];
            for (int l = 0; l < layers.size(); l++) {
                DTensor t = g.get(layers.get(l).weightName());
                perLayer[l] = t == null
                        ? new double[(int) layers.get(l).weightParams()]
                        : t.data().clone();
            }
            out[b] = perLayer;
        });
        return out;
    }

    /**
     * For batch {@code b} (images {@code b × batchSize} on), the gradient of the summed loss of its
     * images with respect to each named value (a node output), so that each image's slice is the
     * gradient of that image's own loss: batch size does not scale it.
     */
    Map<String, DTensor> valueGradients(int b, Collection<String> values) {
        Autodiff.Tape tape = autodiff.forward(Map.of(input, batches[b]), Map.of(), false);
        SoftmaxCrossEntropy.Result loss = SoftmaxCrossEntropy.of(tape.value(output), batchLabels[b]);
        double[] g = loss.gradient().data();
        for (int i = 0; i < g.length; i++) {
            g[i] *= batchLabels[b].length;
        }
        Map<String, DTensor> all = autodiff.backward(tape, Map.of(output, loss.gradient()), false, values);
        Map<String, DTensor> out = new LinkedHashMap<>();
        values.forEach(v -> out.put(v, all.get(v)));
        return out;
    }

    /** The gradient of the mean loss over all the problem's images, at weights {@code w}. */
    double[][] mean(double[][] w) {
        double[][][] per = perBatch(w);
        double n = problem.size();
        double[][] sum = new double[layers.size()][];
        for (int l = 0; l < sum.length; l++) {
            sum[l] = new double[per[0][l].length];
        }
        for (int b = 0; b < per.length; b++) {
            double weight = batchLabels[b].length / n;
            for (int l = 0; l < sum.length; l++) {
                for (int i = 0; i < sum[l].length; i++) {
                    sum[l][i] += weight * per[b][l][i];
                }
            }
        }
        return sum;
    }
}
