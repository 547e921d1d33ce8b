package org.bitbudget.costs.latency;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bitbudget.costs.CostModel;
import org.bitbudget.costs.LayerInfo;
import org.bitbudget.ir.AtomicFiles;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.tensor.Tensor;

/**
 * {@code latency} measured on this machine: milliseconds per run (batch 1 by default, one thread) of
 * each layer on the project's engines ({@link EngineTimer}). Asking for a layer at a precision
 * times the whole model once with every layer at that precision and keeps every layer's time, so a
 * config's latency is the sum of its layers' times in uniform runs (the requantization to the next
 * layer's format is counted at the layer's own precision).
 *
 * <p>Times are cached in a CSV file per machine and JDK,
 * {@code ~/.cache/bitbudget/latency-<host>-<os.arch>-jdk<version>.csv} (the folder is
 * {@code -Dbitbudget.cache} when set), with columns
 * {@code model,layer,precision,threads,batch,ms,engine}; {@code model} hashes the model's structure
 * (nodes and value shapes, not weight values), so a second run, or a retrained model of the same
 * architecture, measures nothing.
 */
public final class MeasuredLatency implements CostModel {
    private static final String[] COLUMNS = {"model", "layer", "precision", "threads", "batch", "ms", "engine"};

    private final Graph graph;
    private final LayerTimer timer;
    private final Path cacheFile;
    private final int batch;
    private final String modelHash;
    private final Map<String, Double> times = new HashMap<>();
    private final Map<String, String> engines = new HashMap<>();
    private boolean loaded;

    /**
     * @param graph     the model measured
     * @param timer     what measures
     * @param cacheFile the lookup table, or null for none
     * @param batch     images per timed run, as {@code timer} uses
     */
    public MeasuredLatency(Graph graph, LayerTimer timer, Path cacheFile, int batch) {
        this.graph = graph;
        this.timer = timer;
        this.cacheFile = cacheFile;
        this.batch = batch;
        this.modelHash = structureHash(graph);
    }

    /** Batch-1 latency on the engines, cached in {@link #defaultCacheFile()}. */
    public static MeasuredLatency onThisMachine(Graph graph) {
        return onThisMachine(graph, 1);
    }

    /** Milliseconds per batch of {@code batch} images on the engines, cached in {@link #defaultCacheFile()}. */
    public static MeasuredLatency onThisMachine(Graph graph, int batch) {
        return new MeasuredLatency(graph, new EngineTimer(batch, 50), defaultCacheFile(), batch);
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
    public synchronized double cost(LayerInfo layer, Precision precision) {
        load();
        String key = key(layer.name(), precision.label());
        Double ms = times.get(key);
        if (ms == null) {
            LayerTimer.Timing t = timer.time(graph, precision);
            List<String[]> rows = new ArrayList<>();
            for (var e : t.milliseconds().entrySet()) {
                String k = key(e.getKey(), precision.label());
                times.put(k, e.getValue());
                engines.put(k, t.engineOf(e.getKey()));
                rows.add(new String[] {
                    modelHash,
                    e.getKey(),
                    precision.label(),
                    "1",
                    Integer.toString(batch),
                    Double.toString(e.getValue()),
                    t.engineOf(e.getKey())
                });
            }
            save(rows);
            ms = times.get(key);
            if (ms == null) {
                throw new IllegalStateException("the timer measured no layer " + layer.name());
            }
        }
        return ms;
    }

    /**
     * How {@code layer} at {@code precision} was measured: {@code float}, or {@code integer/} and the
     * kernel ({@code int8}, {@code int16}, {@code bit-serial}); null when not measured.
     */
    public synchronized String engine(String layer, Precision precision) {
        return engines.get(key(layer, precision.label()));
    }

    /** The cache file, or null. */
    public Path cacheFile() {
        return cacheFile;
    }

    private static String key(String layer, String precision) {
        return layer + "\u0000" + precision;
    }

    /** The lookup table of this machine and JDK. */
    public static Path defaultCacheFile() {
        String dir = System.getProperty("bitbudget.cache");
        Path folder = dir != null && !dir.isBlank()
                ? Path.of(dir)
                : Path.of(System.getProperty("user.home"), ".cache", "bitbudget");
        String name = "latency-" + host() + "-" + System.getProperty("os.arch") + "-jdk" + Runtime.version() + ".csv";
        return folder.resolve(name.replaceAll("[^A-Za-z0-9._+-]", "_"));
    }

    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = Files.readString(Path.of("/etc/hostname")).strip();
            } catch (IOException | RuntimeException e) {
                h = "";
            }
        }
        return h.isBlank() ? "localhost" : h;
    }

    private void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        if (cacheFile == null || !Files.isRegularFile(cacheFile)) {
            return;
        }
        for (String[] row : read(cacheFile)) {
            if (row[0].equals(modelHash) && row[3].equals("1") && row[4].equals(Integer.toString(batch))) {
                try {
                    times.put(key(row[1], row[2]), Double.parseDouble(row[5]));
                    engines.put(key(row[1], row[2]), row[6]);
                } catch (NumberFormatException e) {
                    // A damaged row is measured again.
                }
            }
        }
    }

    private static List<String[]> read(Path file) {
        CsvMapper mapper = new CsvMapper();
        List<String[]> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader())
                .readValues(file.toFile())) {
            while (it.hasNext()) {
                Map<String, String> m = it.next();
                String[] row = new String[COLUMNS.length];
                boolean complete = true;
                for (int i = 0; i < COLUMNS.length; i++) {
                    row[i] = m.get(COLUMNS[i]);
                    complete &= row[i] != null;
                }
                if (complete) {
                    rows.add(row);
                }
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable cache is rebuilt.
            return rows;
        }
        return rows;
    }

    /** Adds {@code rows} to the cache file (read again, so concurrent runs lose little), atomically. */
    private void save(List<String[]> rows) {
        if (cacheFile == null) {
            return;
        }
        try {
            Files.createDirectories(cacheFile.toAbsolutePath().getParent());
            Map<String, String[]> all = new LinkedHashMap<>();
            if (Files.isRegularFile(cacheFile)) {
                for (String[] r : read(cacheFile)) {
                    all.put(String.join("\u0000", r[0], r[1], r[2], r[3], r[4]), r);
                }
            }
            for (String[] r : rows) {
                all.put(String.join("\u0000", r[0], r[1], r[2], r[3], r[4]), r);
            }
            CsvSchema.Builder schema = CsvSchema.builder();
            for (String c : COLUMNS) {
                schema.addColumn(c);
            }
            AtomicFiles.write(
                    cacheFile,
                    w -> new CsvMapper()
                            .writerFor(String[].class)
                            .with(schema.build().withHeader())
                            .writeValues(w)
                            .writeAll(all.values())
                            .close());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the latency cache " + cacheFile, e);
        }
    }

    /** SHA-256 (first 16 hex digits) of the nodes, their value shapes and the initializer shapes. */
    static String structureHash(Graph graph) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder b = new StringBuilder();
        var shapes = org.bitbudget.ops.ShapeInference.shapes(graph, 1);
        for (Node n : graph.nodes()) {
            b.append(n.name()).append('|').append(n.op().type()).append('|');
            for (String in : n.inputs()) {
                Tensor init = graph.initializers().get(in);
                b.append(in)
                        .append(':')
                        .append(init != null ? init.shape() : shapes.get(in))
                        .append(',');
            }
            b.append("->");
            for (String out : n.outputs()) {
                b.append(out).append(':').append(shapes.get(out)).append(',');
            }
            b.append('\n');
        }
        byte[] d = sha.digest(b.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d, 0, 8).toLowerCase(Locale.ROOT);
    }
}
