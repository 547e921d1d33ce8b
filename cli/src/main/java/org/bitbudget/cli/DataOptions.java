package org.bitbudget.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
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
}
