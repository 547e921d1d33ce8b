package org.bitbudget.training.zoo;

import java.util.List;
import java.util.Locale;
import org.bitbudget.ir.graph.Graph;

/**
 * Untrained models BitBudget can build and train itself, for 1 x 28 x 28 inputs and 10 classes:
 * <ul>
 *   <li>{@code lenet5}: Conv 5x5 (6, padding 2) → ReLU → MaxPool → Conv 5x5 (16) → ReLU → MaxPool →
 *       Gemm 400→120 → ReLU → Gemm 120→84 → ReLU → Gemm 84→10;</li>
 *   <li>{@code resnet8}: a 3x3 stem (16) and three residual stages of one basic block each, 16, 32 and
 *       32 channels (stride 2 in the last two, 1x1 projection shortcuts), global average pooling and
 *       Gemm 32→10: eight weighted layers on the main path;</li>
 *   <li>{@code dwsep}: a 3x3 stem (16), then depthwise-separable blocks (depthwise 3x3 + pointwise 1x1,
 *       ReLU6) to 32 and 64 channels with stride 2, global average pooling and Gemm 64→10.</li>
 * </ul>
 * With {@code batchNorm}, every convolution is followed by BatchNormalization (and has no bias).
 *
 * <pre>{@code
 * Graph g = ModelZoo.build("resnet8", true, 42L);
 * }</pre>
 */
public final class ModelZoo {
    /** The architectures {@link #build} knows. */
    public static final List<String> ARCHITECTURES = List.of("lenet5", "resnet8", "dwsep");

    private ModelZoo() {}

    /**
     * A freshly initialised model.
     *
     * @throws IllegalArgumentException for an unknown architecture, naming the known ones
     */
    public static Graph build(String architecture, boolean batchNorm, long seed) {
        return switch (architecture.toLowerCase(Locale.ROOT)) {
            case "lenet5" -> lenet5(batchNorm, seed);
            case "resnet8" -> resnet8(batchNorm, seed);
            case "dwsep" -> dwsep(batchNorm, seed);
            default ->
                throw new IllegalArgumentException("unknown architecture '" + architecture + "' (known: "
                        + String.join(", ", ARCHITECTURES) + ")");
        };
    }

    static Graph lenet5(boolean batchNorm, long seed) {
        GraphBuilder b = new GraphBuilder(seed, batchNorm, 1, 28, 28);
        String x = b.conv("/c1", "input", 1, 6, 5, 1, 2, 1);
        x = b.maxPool("/p1", b.relu("/c1", x), 2);
        x = b.conv("/c2", x, 6, 16, 5, 1, 0, 1);
        x = b.maxPool("/p2", b.relu("/c2", x), 2);
        x = b.flatten("/flatten", x);
        x = b.relu("/f1", b.linear("/f1", x, 400, 120));
        x = b.relu("/f2", b.linear("/f2", x, 120, 84));
        return b.build("lenet5", b.linear("/f3", x, 84, 10));
    }

    static Graph resnet8(boolean batchNorm, long seed) {
        GraphBuilder b = new GraphBuilder(seed, batchNorm, 1, 28, 28);
        String x = b.relu("/stem", b.conv("/stem", "input", 1, 16, 3, 1, 1, 1));
        x = basicBlock(b, "/stage1", x, 16, 16, 1);
        x = basicBlock(b, "/stage2", x, 16, 32, 2);
        x = basicBlock(b, "/stage3", x, 32, 32, 2);
        x = b.flatten("/flatten", b.globalAveragePool("/pool", x));
        return b.build("resnet8", b.linear("/fc", x, 32, 10));
    }

    private static String basicBlock(GraphBuilder b, String scope, String x, int in, int out, int stride) {
        String y = b.relu(scope + "/conv1", b.conv(scope + "/conv1", x, in, out, 3, stride, 1, 1));
        y = b.conv(scope + "/conv2", y, out, out, 3, 1, 1, 1);
        String shortcut = stride == 1 && in == out ? x : b.conv(scope + "/shortcut", x, in, out, 1, stride, 0, 1);
        return b.relu(scope, b.sum(scope, y, shortcut));
    }

    static Graph dwsep(boolean batchNorm, long seed) {
        GraphBuilder b = new GraphBuilder(seed, batchNorm, 1, 28, 28);
        String x = b.relu6("/stem", b.conv("/stem", "input", 1, 16, 3, 1, 1, 1));
        x = separable(b, "/block1", x, 16, 32, 2);
        x = separable(b, "/block2", x, 32, 64, 2);
        x = b.flatten("/flatten", b.globalAveragePool("/pool", x));
        return b.build("dwsep", b.linear("/fc", x, 64, 10));
    }

    private static String separable(GraphBuilder b, String scope, String x, int in, int out, int stride) {
        String y = b.relu6(scope + "/depthwise", b.conv(scope + "/depthwise", x, in, in, 3, stride, 1, in));
        return b.relu6(scope + "/pointwise", b.conv(scope + "/pointwise", y, in, out, 1, 1, 0, 1));
    }
}
