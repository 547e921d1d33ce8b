package org.bitbudget.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Tensor;
import picocli.CommandLine.Option;

/** {@code --config}, {@code --calibration} and {@code --seed}: how a command fake-quantizes a model. */
final class QuantizeOptions {
    @Option(
            names = "--calibration",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Images that calibrate activation ranges, drawn from the calibration set (the train "
                    + "split, or --calibration-data); inputs whose encodings the config holds are not "
                    + "calibrated (default: ${DEFAULT-VALUE})")
    int calibrationImages;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "0",
            description = "Seed of the calibration sample (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--ignore",
            paramLabel = "PATTERN",
            description = "Keep these layers float whatever the config says (repeatable): a layer name, op:TYPE, "
                    + "re:REGEX or a glob such as '/stage3/*'; added to the config's ignore list")
    List<String> ignore = new java.util.ArrayList<>();

    /**
     * Reads the config in {@code config}, applies its patterns and ignored scopes (with {@code --ignore})
     * to {@code graph} and checks its layer names.
     */
    PrecisionConfig load(Path config, Graph graph) {
        PrecisionConfig precision;
        try {
            precision = PrecisionConfigs.load(config).ignoring(ignore).resolve(graph, config.toString());
        } catch (UserInputException e) {
            // A scope given with --ignore is the command line's, not the file's.
            String prefix = config + ": ignore.";
            String scope = e.source().startsWith(prefix) ? e.source().substring(prefix.length()) : null;
            if (scope != null && ignore.contains(scope)) {
                throw new UserInputException(
                        "--ignore " + scope, e.getMessage().substring(e.source().length() + 2));
            }
            throw e;
        }
        precision.validate(graph, config.toString());
        return precision;
    }

    /**
     * Applies {@code precision} (read from {@code config}) to {@code graph}, calibrating activations
     * on {@code calibrationSplit} of the data, a split the caller does not measure accuracy on.
     */
    QuantizedGraph apply(
            PrecisionConfig precision, Path config, Graph graph, Path model, DataOptions data, Split calibrationSplit) {
        return apply(precision, config, graph, model, data, () -> data.calibration(calibrationSplit));
    }

    /** {@link #apply} calibrating on the samples {@code calibrationSet} opens (when a layer needs them). */
    QuantizedGraph apply(
            PrecisionConfig precision,
            Path config,
            Graph graph,
            Path model,
            DataOptions data,
            Supplier<DataSource> calibrationSet) {
        if (calibrationImages < 1) {
            throw new UserInputException("--calibration", "must be at least 1, got " + calibrationImages);
        }
        Tensor calibration = null;
        // A config that carries every activation encoding (a search's config.json) is not calibrated again.
        if (FakeQuantization.needsCalibration(graph, precision)) {
            Normalization norm = data.normalization(graph, model);
            calibration = Calibration.sample(calibrationSet.get(), calibrationImages, seed, norm);
        }
        try {
            return FakeQuantization.apply(graph, precision, calibration);
        } catch (UserInputException e) {
            throw e.within(config.toString());
        }
    }
}
