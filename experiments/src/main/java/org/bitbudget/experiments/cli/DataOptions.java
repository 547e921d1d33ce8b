package org.bitbudget.experiments.cli;

import java.nio.file.Path;
import org.bitbudget.model.UserInputException;
import org.bitbudget.model.data.Normalization;
import org.bitbudget.model.graph.Graph;
import picocli.CommandLine.Option;

/** {@code --data} and {@code --normalize}, shared by every command that reads images. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "D", defaultValue = "fashion-mnist",
            description = "fashion-mnist, mnist or a folder of idx files (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--normalize", paramLabel = "MEAN,STD",
            description = "Input normalisation (x/255 - MEAN)/STD (default: the model's metadata, else none)")
    String normalize;

    /** {@code --normalize}, else the model's stored normalisation, else none. */
    Normalization normalization(Graph graph, Path model) {
        try {
            if (normalize != null) {
                return Normalization.parse(normalize);
            }
            String stored = graph.metadata().get(Normalization.METADATA_KEY);
            if (stored != null) {
                return Normalization.parse(stored);
            }
        } catch (IllegalArgumentException e) {
            throw new UserInputException(normalize != null ? "--normalize"
                    : model + ": metadata " + Normalization.METADATA_KEY, e.getMessage());
        }
        return Normalization.NONE;
    }
}
