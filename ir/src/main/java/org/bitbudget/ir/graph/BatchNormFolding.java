package org.bitbudget.ir.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Folds every inference-mode BatchNormalization that directly follows a Conv or Gemm (whose output
 * nothing else reads) into it: W' = W · γ/√(σ²+ε) per output channel and
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
            if (conv == null || !foldable(conv, bn, graph, readers)) {
                continue;
            }
            float[] gamma = initializers.get(bn.input(1)).data();
            float[] beta = initializers.get(bn.input(2)).data();
            float[] mean = initializers.get(bn.input(3)).data();
            float[] var = initializers.get(bn.input(4)).data();
            Tensor w = initializers.get(conv.input(1));
            // A Gemm's output channel is a column of B unless transB: the scale goes along that axis.
            boolean columns = conv.op() instanceof Op.Gemm gemm && !gemm.transB();
            int out = columns ? w.shape().dim(1) : w.shape().dim(0);
            int per = w.shape().size() / out;
            float[] wf = new float[w.data().length];
            float[] bf = new float[out];
            Tensor oldBias = conv.input(2).isEmpty() ? null : initializers.get(conv.input(2));
            // Gemm adds beta·C: the folded bias is divided by beta so that beta·C' is the folded sum.
            float biasScale = conv.op() instanceof Op.Gemm gemm ? gemm.beta() : 1f;
            for (int c = 0; c < out; c++) {
                double k = gamma[c] / Math.sqrt((double) var[c] + norm.epsilon());
                for (int i = 0; i < per; i++) {
                    int at = columns ? i * out + c : c * per + i;
                    wf[at] = (float) (w.data()[at] * k);
                }
                double b = oldBias == null ? 0 : (double) biasScale * oldBias.data()[c];
                bf[c] = (float) (((b - mean[c]) * k + beta[c]) / biasScale);
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
        }
        if (dropped.isEmpty()) {
            return graph;
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (!dropped.contains(n)) {
                nodes.add(replacedConv.getOrDefault(n, n));
            }
        }
        // The folded BatchNorms' parameters go, unless something else still reads them.
        Map<String, Integer> stillRead = new HashMap<>();
        nodes.forEach(n -> n.inputs().forEach(i -> stillRead.merge(i, 1, Integer::sum)));
        graph.outputs().forEach(o -> stillRead.merge(o.name(), 1, Integer::sum));
        for (Node bn : dropped) {
            for (int i = 1; i < 5; i++) {
                if (!stillRead.containsKey(bn.input(i))) {
                    initializers.remove(bn.input(i));
                }
            }
        }
        return new Graph(
                graph.name(), graph.opset(), graph.inputs(), graph.outputs(), initializers, nodes, graph.metadata());
    }

    /**
     * Whether {@code bn} can be folded into {@code conv}: the BN reads the Conv's or Gemm's output and
     * nothing else does, the BN's parameters, the weight and the bias are constants that no other node
     * reads (they are rewritten), the BN has one output, and a Gemm's bias is one value per channel.
     */
    private static boolean foldable(Node conv, Node bn, Graph graph, Map<String, Integer> readers) {
        Map<String, Tensor> constants = graph.initializers();
        boolean gemm = conv.op() instanceof Op.Gemm g && !g.transA() && g.beta() != 0f;
        if (!(conv.op() instanceof Op.Conv || gemm)
                || readers.get(bn.input(0)) != 1
                || bn.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())
                || !constants.containsKey(conv.input(1))
                || readers.get(conv.input(1)) != 1) {
            return false;
        }
        for (int i = 1; i < 5; i++) {
            if (!constants.containsKey(bn.input(i))) {
                return false;
            }
        }
        Tensor w = constants.get(conv.input(1));
        int channels = gemm && !((Op.Gemm) conv.op()).transB()
                ? w.shape().dim(1)
                : w.shape().dim(0);
        for (int i = 1; i < 5; i++) {
            if (constants.get(bn.input(i)).shape().size() != channels) {
                return false;
            }
        }
        String bias = conv.input(2);
        return bias.isEmpty()
                || (constants.containsKey(bias)
                        && readers.get(bias) == 1
                        && constants.get(bias).shape().size() == channels);
    }
}
