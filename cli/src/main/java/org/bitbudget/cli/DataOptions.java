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
import org.bitbudget.data.Split;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.pipeline.NormalizationCheck;
import picocli.CommandLine.Option;

/** {@code --data} and {@code --normalize}, shared by every command that reads images. */
final class DataOptions {
    @Option(
            names = "--data",
            paramLabel = "D",
            defaultValue = "fashion-mnist",
            description = "fashion-mnist, mnist or a folder of idx files (default: ${DEFAULT-VALUE})")
    String data;

    @Option(
            names = "--normalize",
            paramLabel = "MEAN,STD",
            description = "Input normalisation (x/255 - MEAN)/STD, or M1,M2,M3/S1,S2,S3 per channel "
                    + "(default: the model's metadata, else none)")
    String normalize;

    /** Split {@code split} of {@code --data}; an error about the data as a whole names the option. */
    DataSource open(Split split) {
        try {
            return DataSources.open(data, split);
        } catch (UserInputException e) {
            if (e.source().equals(data)) {
                throw new UserInputException("--data " + data, e.getMessage().substring(data.length() + 2), e);
            }
            throw e;
        }
    }

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

    @Option(
            names = "--calibration-data",
            paramLabel = "D",
            description = "The data calibration, sensitivity and the search see (default: the train split of "
                    + "idx data, else a seeded 20% of --data, the rest evaluated)")
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

    /** {@code --calibration-data} (its train split for idx data), else split {@code split} of {@code --data}. */
    DataSource calibration(Split split) {
        if (calibrationData == null) {
            return open(split);
        }
        try {
            return DataSources.open(calibrationData, Split.TRAIN);
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
