package org.bitbudget.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code test-support/fixtures/make_numpy_files.py} with Debian's python3 and NumPy, so that data
 * tests read files NumPy itself wrote. A failure of the script fails the test with its output.
 */
public final class NumpyFiles {
    private NumpyFiles() {}

    /** Runs the script with {@code out} and then {@code args}; returns {@code out}. */
    public static Path write(Path out, String... args) throws IOException, InterruptedException {
        Path script = script();
        List<String> command = new ArrayList<>(List.of("python3", script.toString(), out.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> String.join(" ", command) + " failed:\n" + output);
        return out;
    }

    /** The script, found from the module directory Surefire runs in. */
    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("test-support/fixtures/make_numpy_files.py");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("test-support/fixtures/make_numpy_files.py not found above "
                + Path.of("").toAbsolutePath());
    }
}
