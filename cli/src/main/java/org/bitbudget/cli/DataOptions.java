package org.bitbudget.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.data.DataSets;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Preprocessing;
import org.bitbudget.data.ReadOptions;
import org.bitbudget.data.Split;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.pipeline.NormalizationCheck;
import picocli.CommandLine.Option;

/** {@code --data} and {@code --normalize}, shared by every command that reads images. */
final class DataOptions {
    @Reads
    @Option(
            names = "--data",
            paramLabel = "D",
            defaultValue = "fashion-mnist",
            description = "fashion-mnist, mnist, a folder of idx files, a .npy or .npz file, or an image folder "
                    + "(DIR/CLASS/*.png|jpg for labels, or a flat folder) (default: ${DEFAULT-VALUE})")
    String data;

    @Option(
            names = "--normalize",
            paramLabel = "MEAN,STD",
            description = "Input normalisation (x/255 - MEAN)/STD, or M1,M2,M3/S1,S2,S3 per channel "
                    + "(default: the model's metadata, else none)")
    String normalize;

    @Option(
            names = "--input-key",
            paramLabel = "KEY[,KEY...]",
            description = "The .npz arrays fed to the model, one per model input in input order (default: x)")
    String inputKey;

    @Option(
            names = "--label-key",
            paramLabel = "KEY",
            description = "The .npz array of class labels (default: y, when the archive has it)")
    String labelKey;

    @Reads
    @Option(
            names = "--preprocess",
            paramLabel = "FILE|OPTIONS",
            description = "How an image folder's pictures become tensors: a YAML/JSON file or options such as "
                    + "resize=256;crop=224;color=rgb;scale=1;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=nchw")
    String preprocess;

    /** {@code --input-key}, {@code --label-key} and {@code --preprocess}; errors name the option. */
    ReadOptions readOptions() {
        ReadOptions options = ReadOptions.DEFAULT;
        if (inputKey != null) {
            options = options.withInputKeys(List.of(inputKey.split(",")));
        }
        if (labelKey != null) {
            options = options.withLabelKey(labelKey);
        }
        if (preprocess != null) {
            try {
                options = options.withPreprocessing(Preprocessing.parse(preprocess));
            } catch (UserInputException e) {
                throw e.within("--preprocess");
            }
        }
        return options;
    }

    /** Split {@code split} of {@code --data}; an error about the data as a whole names the option. */
    DataSource open(Split split) {
        ReadOptions options = readOptions();
        try {
            return DataSources.open(data, split, options);
        } catch (UserInputException e) {
            if (e.source().equals(data)) {
                throw new UserInputException("--data " + data, e.getMessage().substring(data.length() + 2), e);
            }
            throw e;
        }
    }

    /** {@code --normalize}, else the mean and std of {@code --preprocess}, else the model's stored normalisation, else none. */
    Normalization normalization(Graph graph, Path model) {
        try {
            if (normalize != null) {
                return Normalization.parse(normalize);
            }
            Normalization declared = readOptions().preprocessing().normalization();
            if (declared != null) {
                return declared;
            }
            String stored = graph.metadata().get(Normalization.METADATA_KEY);
            if (stored != null) {
                return Normalization.parse(stored);
            }
        } catch (IllegalArgumentException e) {
            throw new UserInputException(
                    normalize != null ? "--normalize" : model + ": metadata " + Normalization.METADATA_KEY,
                    e.getMessage());
        }
        return Normalization.NONE;
    }

    /** The JSON of a normalisation: {@code mean} and {@code std}, numbers for one pair, else lists per channel. */
    static Map<String, Object> json(Normalization norm) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", perChannel(norm.mean()));
        m.put("std", perChannel(norm.std()));
        return m;
    }

    private static Object perChannel(float[] values) {
        if (values.length == 1) {
            return values[0];
        }
        List<Float> list = new ArrayList<>();
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    @Reads
    @Option(
            names = "--calibration-data",
            paramLabel = "D",
            description = "The data calibration, sensitivity and the search see (default: the train split of "
                    + "idx data, else a seeded 20%% of --data, the rest evaluated)")
    String calibrationData;

    /**
     * The calibration and evaluation sets when {@code evaluated} of {@code --data} is scored: {@code
     * --calibration-data} (its train split for idx data), else the other split, else a split of
     * {@code --data} seeded with {@code seed}.
     */
    DataSets sets(Split evaluated, long seed) {
        DataSource evaluation = open(evaluated);
        Split other = evaluated == Split.TEST ? Split.TRAIN : Split.TEST;
        if (calibrationData == null) {
            return DataSets.choose(evaluation, null, open(other), seed);
        }
        DataSource calibration = calibration(Split.TRAIN);
        if (DataSets.sameSamples(calibration, evaluation)) {
            throw new UserInputException(
                    "--calibration-data " + calibrationData,
                    "holds the samples --data evaluates (" + evaluation.name() + "); give other data");
        }
        return DataSets.choose(evaluation, calibration, null, seed);
    }

    /**
     * Prints one warning line on stderr when no normalisation was given or stored and {@code data}
     * look unnormalised for {@code graph} ({@link NormalizationCheck}).
     */
    void warnIfUnnormalised(Graph graph, Path model, DataSource data, Normalization norm, int threads) {
        if (normalize != null || graph.metadata().containsKey(Normalization.METADATA_KEY)) {
            return;
        }
        NormalizationCheck.check(graph, data, norm, threads)
                .ifPresent(f -> System.err.println("bitbudget: warning: " + model + ": " + f.text()
                        + "; if the model expects normalised inputs, give --normalize " + f.suggested()));
    }

    /** Refuses {@code sets} when a label of either set is not a class of {@code graph} ({@link ClassCheck}). */
    void labelsFit(Graph graph, Path model, DataSets sets) {
        ClassCheck.labelsFit(graph, model.toString(), sets.evaluation(), data);
        ClassCheck.labelsFit(
                graph, model.toString(), sets.calibration(), calibrationData != null ? calibrationData : data);
    }

    /** {@code --calibration-data} (its train split for idx data), else split {@code split} of {@code --data}. */
    DataSource calibration(Split split) {
        if (calibrationData == null) {
            return open(split);
        }
        try {
            return DataSources.open(calibrationData, Split.TRAIN, readOptions());
        } catch (UserInputException e) {
            if (e.source().equals(calibrationData)) {
                throw new UserInputException(
                        "--calibration-data " + calibrationData,
                        e.getMessage().substring(calibrationData.length() + 2),
                        e);
            }
            throw e;
        }
    }
}
