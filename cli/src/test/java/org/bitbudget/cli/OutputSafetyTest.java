package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bitbudget.experiments.report.ResultFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed rerun of {@code search} into a folder of a previous run leaves none of that run's files behind. */
class OutputSafetyTest {
    private static final Path LENET =
            Path.of(System.getProperty("bitbudget.shared", "../../shared")).resolve("models/lenet5.onnx");

    @Test
    void aFailedSearchRerunLeavesNoPreviousResult(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        for (String name : ResultFiles.NAMES) {
            Files.writeString(out.resolve(name), "from a previous run");
        }
        Files.writeString(out.resolve("notes.txt"), "the user's own file");
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(
                "search",
                "--model",
                LENET.toString(),
                "--formats",
                "int8,int4",
                "--estimator",
                "roundoff",
                "--calibration",
                "16",
                "--limit",
                "20",
                "--pareto",
                "0",
                "--budget",
                "size <= 1 B",
                "--out",
                out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("bitbudget: --budget"), r.err());
        for (String name : ResultFiles.NAMES) {
            assertFalse(Files.exists(out.resolve(name)), name + " of the previous run is left looking current");
        }
        assertEquals("the user's own file", Files.readString(out.resolve("notes.txt")));
    }
}
