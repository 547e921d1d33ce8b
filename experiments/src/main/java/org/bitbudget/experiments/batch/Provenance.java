package org.bitbudget.experiments.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.bitbudget.model.data.DataSources;

/**
 * The facts a run's {@code provenance.json} records: BitBudget's version and git commit, the JDK,
 * OS and CPU, the Vector API's preferred width, the run's seed, start and end time, and the
 * SHA-256 of every input file (model, data files, experiment YAML).
 */
public final class Provenance {
    private final Map<String, Object> machine;
    private final Map<String, Map<String, String>> dataHashes = new ConcurrentHashMap<>();

    /** Gathers the facts that hold for every run of this process. */
    public Provenance() {
        Map<String, Object> m = new LinkedHashMap<>();
        String version = Provenance.class.getPackage().getImplementationVersion();
        m.put("bitbudget_version", version == null ? projectVersion() : version);
        m.put("git_commit", gitCommit());
        m.put("jdk", Runtime.version().toString());
        m.put("jdk_vendor", System.getProperty("java.vendor"));
        m.put("os_name", System.getProperty("os.name"));
        m.put("os_arch", System.getProperty("os.arch"));
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("vector_bits", vectorBits());
        this.machine = m;
    }

    /** The process-wide facts (version, commit, JDK, CPU, …). */
    public Map<String, Object> machine() {
        return machine;
    }

    /** The provenance of one run. */
    public Map<String, Object> of(Experiment experiment, RunSpec spec, RunResult result, Instant start, Instant end) {
        Map<String, Object> p = new LinkedHashMap<>(machine);
        p.put("run_key", spec.key());
        p.put("run_index", spec.index());
        p.put("experiment", experiment.name());
        p.put("seed", spec.seed());
        p.put("start", start.toString());
        p.put("end", end.toString());
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("model", Map.of("path", spec.modelPath().toString(), "sha256", spec.modelSha256()));
        inputs.put("data", dataHashes.computeIfAbsent(spec.data(), Provenance::hashData));
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
            case "mnist" -> System.getenv("BITBUDGET_MNIST") != null ? Path.of(System.getenv("BITBUDGET_MNIST"))
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

    private static Path home() {
        String home = System.getProperty("bitbudget.home");
        Path start = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git")) || Files.exists(p.resolve("bitbudget"))) {
                return p;
            }
        }
        return start;
    }

    private static String projectVersion() {
        try {
            String pom = Files.readString(home().resolve("pom.xml"));
            int at = pom.indexOf("<version>");
            if (at >= 0) {
                return pom.substring(at + 9, pom.indexOf("</version>", at)).strip();
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return "unknown";
    }

    /** The commit HEAD names, read from {@code .git} without running git; "unknown" outside a checkout. */
    static String gitCommit() {
        Path git = home().resolve(".git");
        try {
            if (Files.isRegularFile(git)) { // a worktree: "gitdir: PATH"
                String line = Files.readString(git).strip();
                if (line.startsWith("gitdir:")) {
                    git = git.getParent().resolve(line.substring(7).strip());
                }
            }
            String head = Files.readString(git.resolve("HEAD")).strip();
            if (!head.startsWith("ref:")) {
                return head;
            }
            String ref = head.substring(4).strip();
            Path loose = git.resolve(ref);
            if (Files.isRegularFile(loose)) {
                return Files.readString(loose).strip();
            }
            Path common = git;
            Path commonDir = git.resolve("commondir");
            if (Files.isRegularFile(commonDir)) {
                common = git.resolve(Files.readString(commonDir).strip());
                loose = common.resolve(ref);
                if (Files.isRegularFile(loose)) {
                    return Files.readString(loose).strip();
                }
            }
            Path packed = common.resolve("packed-refs");
            if (Files.isRegularFile(packed)) {
                for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                    if (line.endsWith(" " + ref)) {
                        return line.substring(0, line.indexOf(' '));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a checkout
        }
        return "unknown";
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String l : lines) {
                if (l.startsWith("model name") || l.startsWith("Model") || l.startsWith("cpu model")) {
                    return l.substring(l.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static int vectorBits() {
        try {
            return jdk.incubator.vector.VectorShape.preferredShape().vectorBitSize();
        } catch (LinkageError | RuntimeException e) {
            return 0;
        }
    }
}
