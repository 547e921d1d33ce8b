package org.bitbudget.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.onnx.OnnxImporter;
import picocli.CommandLine.Option;

/**
 * The {@code --model} option every command shares. Without it, the bundled default model is used:
 * {@code models/lenet5-fashion-mnist.onnx}, trained by {@code bitbudget train} (see the README).
 */
final class ModelOption {
    @Option(
            names = "--model",
            paramLabel = "M.onnx",
            description = "ONNX model (default: the bundled default model, ${DEFAULT-VALUE})",
            defaultValue = "${sys:bitbudget.defaultModel:-models/lenet5-fashion-mnist.onnx}")
    Path model;

    /** Loads and checks the model; errors name the file and node. */
    Graph load() {
        if (!Files.exists(model)) {
            throw new UserInputException(model.toString(), "no such file");
        }
        return OnnxImporter.load(model);
    }
}
