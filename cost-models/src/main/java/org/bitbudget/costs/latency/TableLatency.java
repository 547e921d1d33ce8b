package org.bitbudget.costs.latency;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.costs.CostModel;
import org.bitbudget.costs.LayerInfo;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.precision.Precision;

/**
 * {@code latency} from a table the user measured elsewhere (an FPGA, a phone): a CSV file with the
 * header {@code layer,precision,ms} (any column order, extra columns ignored) and one row per layer
 * and precision. {@code precision} is written as BitBudget labels precisions: the weight format,
 * then {@code /} and the activation format when activations are quantized ({@code int8},
 * {@code int4/uint8}, {@code int2/uint2}); {@code ms} is milliseconds per inference. Blank lines and
 * lines starting with {@code #} are skipped. A bad row is an error naming the file and line; asking
 * for a layer and precision the table lacks is an error naming both.
 */
public final class TableLatency implements CostModel {
    private final Path file;
    private final Map<String, Double> ms;

    private TableLatency(Path file, Map<String, Double> ms) {
        this.file = file;
        this.ms = ms;
    }

    /** Reads {@code file}. */
    public static TableLatency load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(file.toString(), "no such file");
        }
        Map<String, Double> ms = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            int layerCol = -1;
            int precisionCol = -1;
            int msCol = -1;
            int columns = 0;
            while ((line = r.readLine()) != null) {
                number++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                List<String> cells =
                        Arrays.stream(t.split(",", -1)).map(String::strip).toList();
                String where = file + ": line " + number;
                if (layerCol < 0) {
                    layerCol = cells.indexOf("layer");
                    precisionCol = cells.indexOf("precision");
                    msCol = cells.indexOf("ms");
                    columns = cells.size();
                    if (layerCol < 0 || precisionCol < 0 || msCol < 0) {
                        throw new UserInputException(
                                where,
                                "the header must name the columns layer, precision " + "and ms, got '" + t + "'");
                    }
                    continue;
                }
                if (cells.size() != columns) {
                    throw new UserInputException(where, "expected " + columns + " values, got " + cells.size());
                }
                String layer = cells.get(layerCol);
                String precision = cells.get(precisionCol);
                if (layer.isEmpty() || precision.isEmpty()) {
                    throw new UserInputException(where, "layer and precision must not be empty");
                }
                double v;
                try {
                    v = Double.parseDouble(cells.get(msCol));
                } catch (NumberFormatException e) {
                    throw new UserInputException(where, "ms '" + cells.get(msCol) + "' is not a number");
                }
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new UserInputException(where, "ms must be a non-negative number, got " + cells.get(msCol));
                }
                if (ms.put(key(layer, precision), v) != null) {
                    throw new UserInputException(where, "a second row for layer " + layer + " at " + precision);
                }
            }
            if (layerCol < 0) {
                throw new UserInputException(file.toString(), "empty; expected the header layer,precision,ms");
            }
        } catch (IOException e) {
            throw UserInputException.unreadable(file.toString(), e);
        }
        return new TableLatency(file, Map.copyOf(ms));
    }

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public String unit() {
        return "ms";
    }

    @Override
    public double cost(LayerInfo layer, Precision precision) {
        String label = precision.label();
        Double v = ms.get(key(layer.name(), label));
        if (v == null) {
            throw new UserInputException(
                    file.toString(), "no row for layer " + layer.name() + " at precision " + label);
        }
        return v;
    }

    private static String key(String layer, String precision) {
        return layer + "\u0000" + precision;
    }
}
