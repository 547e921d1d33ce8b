package org.bitbudget.experiments.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bitbudget.ir.AtomicFiles;
import org.bitbudget.ir.UserInputException;

/**
 * Joins the outputs of a batch's shards into one results CSV. Each input is a batch output folder
 * (its finished runs, read from {@code runs/KEY/row.csv}, the authoritative copies) or a results CSV.
 * All inputs must have the same columns; a run key found twice is refused, naming both places. Rows
 * come out in grid order (by experiment in order of first appearance, then {@code run_index}), and
 * each {@code config_path} is rewritten relative to the merged file's folder.
 */
public final class Merge {
    private Merge() {}

    /**
     * What a merge produced.
     *
     * @param out  the merged CSV
     * @param rows its rows
     */
    public record Result(Path out, List<Map<String, String>> rows) {}

    private record Source(Path where, Path base, ResultsCsv.Table table) {}

    /** Merges {@code inputs} into {@code out} (written atomically). */
    public static Result merge(List<Path> inputs, Path out) throws IOException {
        if (inputs.isEmpty()) {
            throw new UserInputException("merge", "give at least one batch folder or results CSV");
        }
        List<Source> sources = new ArrayList<>();
        for (Path in : inputs) {
            sources.add(read(in));
        }
        List<String> header = sources.getFirst().table().header();
        for (Source s : sources) {
            if (!s.table().header().equals(header)) {
                throw new UserInputException(
                        s.where().toString(),
                        "mismatched schema: columns " + s.table().header() + " differ from "
                                + sources.getFirst().where() + "'s " + header);
            }
        }
        List<String> missing =
                ResultsCsv.COLUMNS.stream().filter(c -> !header.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new UserInputException(
                    sources.getFirst().where().toString(),
                    "not a BitBudget results CSV: no column " + String.join(", ", missing));
        }
        Path outBase = out.toAbsolutePath().getParent();
        Map<String, Path> seen = new HashMap<>();
        Map<String, Integer> experimentOrder = new LinkedHashMap<>();
        List<Map<String, String>> rows = new ArrayList<>();
        for (Source s : sources) {
            for (Map<String, String> row : s.table().rows()) {
                String key = row.get("run_key");
                Path before = seen.putIfAbsent(key, s.where());
                if (before != null) {
                    throw new UserInputException(
                            s.where().toString(),
                            "duplicate run " + key + " (also in " + before + "); merge each shard once");
                }
                Map<String, String> r = new LinkedHashMap<>(row);
                String config = r.get("config_path");
                if (config != null && !config.isEmpty() && !Path.of(config).isAbsolute()) {
                    r.put(
                            "config_path",
                            outBase.relativize(s.base()
                                            .resolve(config)
                                            .toAbsolutePath()
                                            .normalize())
                                    .toString());
                }
                experimentOrder.putIfAbsent(r.getOrDefault("experiment", ""), experimentOrder.size());
                rows.add(r);
            }
        }
        if (header.contains("run_index")) {
            rows.sort(Comparator.<Map<String, String>>comparingInt(
                            r -> experimentOrder.get(r.getOrDefault("experiment", "")))
                    .thenComparingLong(r -> index(r.get("run_index")))
                    .thenComparing(r -> r.get("run_key")));
        }
        Files.createDirectories(outBase);
        AtomicFiles.write(out, w -> ResultsCsv.write(w, header, rows));
        return new Result(out, rows);
    }

    private static long index(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static Source read(Path in) throws IOException {
        if (Files.isRegularFile(in)) {
            return new Source(in, in.toAbsolutePath().getParent(), ResultsCsv.read(in));
        }
        if (!Files.isDirectory(in)) {
            throw new UserInputException(in.toString(), "no such folder or file");
        }
        Path runs = in.resolve("runs");
        if (!Files.isDirectory(runs)) {
            Path results = in.resolve(BatchRunner.RESULTS);
            if (Files.isRegularFile(results)) {
                return new Source(results, in.toAbsolutePath(), ResultsCsv.read(results));
            }
            throw new UserInputException(in.toString(), "not a batch output folder (no runs/ and no results.csv)");
        }
        List<String> header = null;
        List<Map<String, String>> rows = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path dir : dirs.sorted().toList()) {
                Path row = dir.resolve(BatchRunner.ROW);
                if (!Files.isRegularFile(row)) {
                    continue; // unfinished or failed: not a result
                }
                ResultsCsv.Table t = ResultsCsv.read(row);
                if (header == null) {
                    header = t.header();
                } else if (!header.equals(t.header())) {
                    throw new UserInputException(
                            row.toString(),
                            "mismatched schema: columns " + t.header() + " differ from the other runs' " + header);
                }
                rows.addAll(t.rows());
            }
        }
        if (header == null) {
            throw new UserInputException(in.toString(), "holds no finished run");
        }
        return new Source(in, in.toAbsolutePath(), new ResultsCsv.Table(header, rows));
    }
}
