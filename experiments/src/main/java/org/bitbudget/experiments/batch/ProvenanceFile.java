package org.bitbudget.experiments.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.bitbudget.data.DataSources;

/**
 * A batch run's {@code provenance.json}: the run's {@link org.bitbudget.pipeline.Provenance} (version,
 * commit, JDK, OS, CPU, vector width, seed, start and end), where the run sits in its experiment, and
 * the SHA-256 of every input file (model, data files, experiment YAML). Data files are hashed once per
 * data set and process.
 */
public final class ProvenanceFile {
    private final Map<String, Map<String, String>> dataHashes = new ConcurrentHashMap<>();

    /** The content of the provenance file of run {@code spec}, which gave {@code result}. */
    public Map<String, Object> of(Experiment experiment, RunSpec spec, RunResult result) {
        Map<String, Object> p = new LinkedHashMap<>(result.run().provenance().json());
        p.put("run_key", spec.key());
        p.put("run_index", spec.index());
        p.put("experiment", experiment.name());
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("model", Map.of("path", spec.modelPath().toString(), "sha256", spec.modelSha256()));
        inputs.put("data", dataHashes.computeIfAbsent(spec.data(), ProvenanceFile::hashData));
        inputs.put("experiment", Map.of("path", experiment.source().toString(), "sha256", experiment.sha256()));
        p.put("inputs", inputs);
        p.put("run_inputs", RunKeys.canonicalJson(spec));
        p.put("executor", result.notes());
        return p;
    }

    /** File name → SHA-256 of every file of a data set's folder (empty when the folder is missing). */
    private static Map<String, String> hashData(String data) {
        Path folder = switch (data) {
            case "fashion-mnist" -> DataSources.FASHION_MNIST;
            case "mnist" ->
                System.getenv("BITBUDGET_MNIST") != null
                        ? Path.of(System.getenv("BITBUDGET_MNIST"))
                        : DataSources.MNIST;
            default -> Path.of(data);
        };
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isDirectory(folder)) {
            return out;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.put(f.toString(), RunKeys.sha256(f));
            }
        } catch (IOException e) {
            out.put(folder.toString(), "unreadable: " + e.getMessage());
        }
        return out;
    }
}
