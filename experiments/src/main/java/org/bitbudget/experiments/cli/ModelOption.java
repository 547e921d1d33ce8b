package org.bitbudget.experiments.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bitbudget.model.UserInputException;
import org.bitbudget.model.graph.Graph;
import org.bitbudget.model.onnx.OnnxImporter;
import picocli.CommandLine.Option;

/**
 * The {@code --model} option every command shares. Without it, the default model is used: the
 * reference LeNet-5 in {@code ../shared/models} beside the project until the project ships its own.
 */
final class ModelOption {
    @Option(names = "--model", paramLabel = "M.onnx",
            description = "ONNX model (default: the bundled default model, ${DEFAULT-VALUE})",
            defaultValue = "${sys:bitbudget.defaultModel:-../shared/models/lenet5.onnx}")
    Path model;

    /** Loads and checks the model; errors name the file and node. */
    Graph load() {
        if (!Files.exists(model)) {
            throw new UserInputException(model.toString(), "no such file");
        }
        return OnnxImporter.load(model);
    }
}
