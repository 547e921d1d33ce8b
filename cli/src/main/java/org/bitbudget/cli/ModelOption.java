package org.bitbudget.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.Split;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.onnx.ImportSurvey;
import org.bitbudget.onnx.InputShapes;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.ops.ShapeInference;
import picocli.CommandLine.Option;

/**
 * The {@code --model} option every command shares, with {@code --input-shape} for models whose
 * inputs have symbolic dimensions besides the batch (commands with data take them from its samples). Without {@code --model}, the bundled default
 * model is used: {@code models/lenet5-fashion-mnist.onnx}, trained by {@code bitbudget train} (see
 * the README).
 */
final class ModelOption {
    @Option(
            names = "--model",
            paramLabel = "M.onnx",
            description = "ONNX model (default: the bundled default model, ${DEFAULT-VALUE})",
            defaultValue = "${sys:bitbudget.defaultModel:-models/lenet5-fashion-mnist.onnx}")
    Path model;

    @Option(
            names = "--input-shape",
            paramLabel = "NAME=1x3x48x192",
            description = "sizes of an input's symbolic dimensions (the first, the batch, stays free); repeatable")
    List<String> inputShapes = List.of();

    /**
     * Loads and checks the model, binds {@code --input-shape}, and fails with one line when an input
     * still has a symbolic dimension other than the batch; errors name the file and node.
     */
    Graph load() {
        exists();
        return checked(InputShapes.bind(OnnxImporter.load(model), parsedShapes()));
    }

    /**
     * {@link #load()} for a command that has data: the symbolic dimensions that {@code --input-shape}
     * leaves open are taken from the sample shape of each input's array (see {@link ModelInputs}).
     */
    Graph load(DataOptions data, Split split) {
        exists();
        Graph graph = InputShapes.bind(OnnxImporter.load(model), parsedShapes());
        DataSource source = data.open(split);
        if (source.inputs().size() != graph.inputs().size()) {
            return checked(graph);
        }
        List<DataSource> arrays = ModelInputs.ordered(
                        graph, source, data.readOptions().inputKeys(), model.toString())
                .sources();
        Map<String, int[]> bound = new LinkedHashMap<>();
        for (int i = 0; i < arrays.size(); i++) {
            ValueInfo input = graph.inputs().get(i);
            int[] sample = arrays.get(i).sampleShape().dims();
            if (InputShapes.firstSymbolic(input) >= 0 && fixedSizesFit(input, sample)) {
                int[] sizes = new int[sample.length + 1];
                sizes[0] = 1;
                System.arraycopy(sample, 0, sizes, 1, sample.length);
                bound.put(input.name(), sizes);
            }
        }
        if (!bound.isEmpty()) {
            graph = InputShapes.bind(graph, bound);
        }
        return checked(graph);
    }

    /**
     * True when samples of shape {@code sample} fit every fixed dimension of {@code input} after the
     * batch; data that do not fit leave the symbolic dimensions to {@code --input-shape}.
     */
    private static boolean fixedSizesFit(ValueInfo input, int[] sample) {
        if (sample.length + 1 != input.dims().size()) {
            return false;
        }
        for (int i = 0; i < sample.length; i++) {
            Dimension d = input.dims().get(i + 1);
            if (!d.isSymbolic() && d.size() != sample[i]) {
                return false;
            }
        }
        return true;
    }

    /** What can be read of the model, every unsupported operator listed; the shapes bound as in {@link #load}. */
    ImportSurvey survey() {
        exists();
        ImportSurvey survey = OnnxImporter.survey(model);
        return new ImportSurvey(InputShapes.bind(survey.graph(), parsedShapes()), survey.unsupported());
    }

    private void exists() {
        if (!Files.exists(model)) {
            throw new UserInputException(model.toString(), "no such file");
        }
    }

    /**
     * The graph, when no input has a symbolic dimension besides the batch, every sample fits a tensor and no output
     * is empty; errors name the model file.
     */
    Graph checked(Graph graph) {
        requireStatic(graph);
        for (ValueInfo v : graph.inputs()) {
            long values = 1;
            for (Dimension d : v.dims().subList(1, v.dims().size())) {
                values *= d.size();
                if (values > Integer.MAX_VALUE) {
                    throw new UserInputException(
                            model + ": input '" + v.name() + "'",
                            "a sample of shape " + v.dims().subList(1, v.dims().size())
                                    + " has more values than a tensor holds (2^31 - 1)");
                }
            }
        }
        Map<String, Shape> shapes;
        try {
            shapes = ShapeInference.shapes(graph, 1);
        } catch (UserInputException e) {
            // Shapes that do not fit are each command's error to report, with its context.
            return graph;
        } catch (IllegalArgumentException e) {
            throw new UserInputException(model.toString(), e.getMessage(), e);
        }
        for (ValueInfo out : graph.outputs()) {
            Shape s = shapes.get(out.name());
            if (s != null && s.size() == 0) {
                throw new UserInputException(
                        model + ": output '" + out.name() + "'", "has shape " + s + ": no values to score");
            }
        }
        return graph;
    }

    /** The graph, when no input has a symbolic dimension besides the batch. */
    static Graph requireStatic(Graph graph) {
        for (ValueInfo v : graph.inputs()) {
            int d = InputShapes.firstSymbolic(v);
            if (d >= 0) {
                String example = v.name() + "="
                        + v.dims().stream()
                                .map(x -> x.isSymbolic() ? "<" + x.symbol() + ">" : Integer.toString(x.size()))
                                .collect(Collectors.joining("x"));
                throw new UserInputException(
                        "input '" + v.name() + "'",
                        "dimension " + d + " ('" + v.dims().get(d).symbol() + "') is symbolic; give --input-shape "
                                + example.replaceFirst("=<[^>]*>", "=1"));
            }
        }
        return graph;
    }

    private Map<String, int[]> parsedShapes() {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (String s : inputShapes) {
            int eq = s.lastIndexOf('=');
            if (eq <= 0 || !s.substring(eq + 1).matches("\\d+(x\\d+)*")) {
                throw new UserInputException(
                        "--input-shape " + s, "expected NAME=SIZExSIZEx... (for example x=1x3x48x192)");
            }
            String[] parts = s.substring(eq + 1).split("x");
            int[] sizes = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    sizes[i] = Integer.parseInt(parts[i]);
                } catch (NumberFormatException e) {
                    throw new UserInputException("--input-shape " + s, "size '" + parts[i] + "' is too large");
                }
            }
            shapes.put(s.substring(0, eq), sizes);
        }
        return shapes;
    }
}
