package org.bitbudget.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bitbudget.testsupport.NumpyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A float16 {@code .npy} of 64 MiB (128 MiB as floats) is read to the end, batch by batch, by a JVM whose
 * heap is 48 MiB: only the memory-mapped path can do that, so the test fails if the source ever loads
 * the whole array. The sum of every value must equal NumPy's (exact: the values are multiples of 1/8).
 */
class BoundedHeapTest {
    /** Heap of the reading JVM: less than the file, far less than the array as floats. */
    static final String HEAP = "-Xmx48m";

    @TempDir
    Path dir;

    @Test
    void aLargerThanHeapArrayIsReadInBatches() throws IOException, InterruptedException {
        NumpyFiles.write(dir);
        Path file = dir.resolve("big-float16.npy");
        double expected = Double.parseDouble(
                Files.readString(dir.resolve("big-float16.sum")).strip());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(
                java.toString(),
                HEAP,
                "-cp",
                System.getProperty("java.class.path"),
                BoundedHeapReader.class.getName(),
                file.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        String[] words = output.strip().split(" ");
        assertEquals(expected, Double.parseDouble(words[0]), 0.0, output);
        assertEquals(8192, Integer.parseInt(words[1]), output);
    }
}
