package org.bitbudget.ir.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Folds every inference-mode BatchNormalization that directly follows a convolution (whose output
 * nothing else reads) into that convolution: W' = W · γ/√(σ²+ε) per output channel and
 * b' = (b − μ) · γ/√(σ²+ε) + β, as PyTorch's export with constant folding does.
 */
public final class BatchNormFolding {
    private BatchNormFolding() {}

    /** The graph with foldable BatchNorms folded; other nodes are unchanged. */
    public static Graph fold(Graph graph) {
        Map<String, Integer> readers = new HashMap<>();
        for (Node n : graph.nodes()) {
            n.inputs().forEach(i -> readers.merge(i, 1, Integer::sum));
        }
        graph.outputs().forEach(o -> readers.merge(o.name(), 1, Integer::sum));
        Map<String, Node> producer = new HashMap<>();
        graph.nodes().forEach(n -> n.outputs().forEach(o -> producer.put(o, n)));

        Map<String, Tensor> initializers = new LinkedHashMap<>(graph.initializers());
        Map<Node, Node> replacedConv = new HashMap<>();
        List<Node> dropped = new ArrayList<>();
        for (Node bn : graph.nodes()) {
            if (!(bn.op() instanceof Op.BatchNorm norm) || norm.training()) {
                continue;
            }
            Node conv = producer.get(bn.input(0));
            if (conv == null
                    || !(conv.op() instanceof Op.Conv)
                    || readers.get(bn.input(0)) != 1
                    || !graph.initializers().containsKey(conv.input(1))) {
                continue;
            }
            float[] gamma = initializers.get(bn.input(1)).data();
            float[] beta = initializers.get(bn.input(2)).data();
            float[] mean = initializers.get(bn.input(3)).data();
            float[] var = initializers.get(bn.input(4)).data();
            Tensor w = initializers.get(conv.input(1));
            int out = w.shape().dim(0);
            int per = w.shape().size() / out;
            float[] wf = new float[w.data().length];
            float[] bf = new float[out];
            Tensor oldBias = conv.input(2).isEmpty() ? null : initializers.get(conv.input(2));
            for (int c = 0; c < out; c++) {
                double k = gamma[c] / Math.sqrt((double) var[c] + norm.epsilon());
                for (int i = 0; i < per; i++) {
                    wf[c * per + i] = (float) (w.data()[c * per + i] * k);
                }
                double b = oldBias == null ? 0 : oldBias.data()[c];
                bf[c] = (float) ((b - mean[c]) * k + beta[c]);
            }
            String weightName = conv.input(1);
            String biasName = conv.input(2).isEmpty() ? weightName + ".folded_bias" : conv.input(2);
            initializers.put(weightName, Tensor.of(w.shape(), wf));
            initializers.put(biasName, Tensor.of(Shape.of(out), bf));
            replacedConv.put(
                    conv,
                    new Node(
                            conv.name(),
                            conv.op(),
                            List.of(conv.input(0), weightName, biasName),
                            bn.outputs().subList(0, 1)));
            dropped.add(bn);
            for (int i = 1; i < 5; i++) {
                initializers.remove(bn.input(i));
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (!dropped.contains(n)) {
                nodes.add(replacedConv.getOrDefault(n, n));
            }
        }
        Map<String, Integer> stillRead = new HashMap<>();
        nodes.forEach(n -> n.inputs().forEach(i -> stillRead.merge(i, 1, Integer::sum)));
        initializers.keySet().removeIf(name -> !stillRead.containsKey(name));
        return new Graph(
                graph.name(), graph.opset(), graph.inputs(), graph.outputs(), initializers, nodes, graph.metadata());
    }
}
