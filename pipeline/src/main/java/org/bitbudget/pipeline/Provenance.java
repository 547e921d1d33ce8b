package org.bitbudget.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a result comes from: the model, BitBudget's version and git commit, the JDK, OS and CPU, the
 * Vector API's preferred width, the run's seed and its start and end. The search command's {@code
 * result.json} and a batch run's {@code provenance.json} both record it, with the same field names.
 *
 * @param model      the model's name or file
 * @param version    BitBudget's version
 * @param gitCommit  the commit of the checkout BitBudget runs from, or {@code unknown}
 * @param jdkVersion the JDK's version
 * @param jdkVendor  the JDK's vendor
 * @param osName     the operating system
 * @param osArch     the CPU architecture
 * @param cpu        the CPU's model name
 * @param cores      available processors
 * @param vectorBits the Vector API's preferred vector width in bits (0 without the module)
 * @param seed       the run's seed
 * @param started    when the run started
 * @param finished   when it finished
 */
public record Provenance(
        String model,
        String version,
        String gitCommit,
        String jdkVersion,
        String jdkVendor,
        String osName,
        String osArch,
        String cpu,
        int cores,
        int vectorBits,
        long seed,
        Instant started,
        Instant finished) {

    /** The provenance of a run of {@code model} on this machine. */
    public static Provenance of(String model, long seed, Instant started, Instant finished) {
        String version = Provenance.class.getPackage().getImplementationVersion();
        return new Provenance(
                model,
                version == null ? projectVersion() : version,
                readGitCommit(),
                Runtime.version().toString(),
                System.getProperty("java.vendor"),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                cpuModel(),
                Runtime.getRuntime().availableProcessors(),
                preferredVectorBits(),
                seed,
                started,
                finished);
    }

    /** The fields as JSON names them ({@code bitbudget_version}, {@code git_commit}, …, {@code start}, {@code end}). */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("bitbudget_version", version);
        m.put("git_commit", gitCommit);
        m.put("jdk", jdkVersion);
        m.put("jdk_vendor", jdkVendor);
        m.put("os_name", osName);
        m.put("os_arch", osArch);
        m.put("cpu", cpu);
        m.put("cores", cores);
        m.put("vector_bits", vectorBits);
        m.put("seed", seed);
        m.put("start", started.toString());
        m.put("end", finished.toString());
        return m;
    }

    /** The project folder: {@code bitbudget.home}, else the nearest folder above the working one with a checkout or launcher. */
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
    private static String readGitCommit() {
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

    private static int preferredVectorBits() {
        try {
            return jdk.incubator.vector.VectorShape.preferredShape().vectorBitSize();
        } catch (LinkageError | RuntimeException e) {
            return 0;
        }
    }
}
