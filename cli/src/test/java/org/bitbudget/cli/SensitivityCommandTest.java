package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bitbudget.sensitivity.SensitivityTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bitbudget sensitivity} on the reference LeNet-5 with small data, and its one-line errors. */
class SensitivityCommandTest {
    private static final Path LENET =
            Path.of(System.getProperty("bitbudget.shared", "../../shared"), "models/lenet5.onnx");

    @Test
    void allEstimatorsWriteTheTableAndTheLeaderboard(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("table.csv");
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(
                "sensitivity",
                "--model",
                LENET.toString(),
                "--normalize",
                "0.2860,0.3530",
                "--formats",
                "int4,int2",
                "--calibration",
                "64",
                "--limit",
                "300",
                "--hessian-samples",
                "2",
                "--hessian-images",
                "32",
                "--out",
                out.toString(),
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        // 5 layers x 2 formats x 7 estimators.
        assertEquals(70, j.get("table").size());
        JsonNode first = j.get("table").get(0);
        List<String> fields = new java.util.ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("layer", "estimator", "weights", "activations", "score", "seconds"), fields.subList(0, 6));
        assertEquals("/c1/Conv", first.get("layer").asText());
        assertEquals("roundoff", first.get("estimator").asText());
        assertEquals("int4", first.get("weights").asText());
        assertEquals("float", first.get("activations").asText());
        // Every estimator per format, correlations in [-1, 1] (or null when undefined).
        assertEquals(14, j.get("leaderboard").size());
        for (JsonNode e : j.get("leaderboard")) {
            for (String f : List.of("kendall_tau", "spearman_rho")) {
                assertTrue(e.get(f).isNull() || Math.abs(e.get(f).asDouble()) <= 1 + 1e-12, e.toString());
            }
            assertEquals(5, e.get("layers").asInt());
        }
        assertEquals(300, j.get("evaluation").get("samples").asInt());
        SensitivityTable table = SensitivityTable.read(new StringReader(Files.readString(out)));
        assertEquals(70, table.rows().size());
        assertEquals(
                List.of("roundoff", "bit-gradient", "hessian", "fisher", "output-mse", "kl", "measured"),
                table.estimators());
        String board = Files.readString(dir.resolve("table.leaderboard.csv"));
        assertTrue(board.startsWith("estimator,format,kendall_tau,spearman_rho,layers\n"), board);
        assertEquals(15, board.lines().count());
        // No temporary files left behind.
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count());
        }
    }

    @Test
    void aSingleEstimatorNeedsNoEvaluationAndPrintsText(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("t.csv");
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(
                "sensitivity",
                "--model",
                LENET.toString(),
                "--estimator",
                "roundoff",
                "--formats",
                "int8,fp8-e4m3",
                "--activations",
                "float,uint8",
                "--calibration",
                "32",
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("20 rows (5 layers x 4 precisions x 1 estimators)"), r.out());
        assertFalse(Files.exists(dir.resolve("t.leaderboard.csv")));
        assertTrue(Files.readString(out).contains("/f3/Gemm,roundoff,fp8-e4m3,uint8,"));
    }

    @Test
    void badInputsAreOneLineErrorsWithExitCodeTwo(@TempDir Path dir) {
        Path out = dir.resolve("t.csv");
        String[][] cases = {
            {"--estimator", "magic", "--out", out.toString()},
            {"--formats", "int4,int9", "--out", out.toString()},
            {"--calibration", "0", "--out", out.toString()},
            {"--estimator", "roundoff"},
        };
        String[] expected = {
            "bitbudget: --estimator: 'magic' is not one of roundoff, bit-gradient, hessian, fisher, output-mse, kl, measured, "
                    + "all",
            "bitbudget: --formats: ",
            "bitbudget: --calibration: must be at least 1, got 0",
            "bitbudget: --out: missing (required unless --json)",
        };
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[cases[i].length + 3];
            args[0] = "sensitivity";
            args[1] = "--model";
            args[2] = LENET.toString();
            System.arraycopy(cases[i], 0, args, 3, cases[i].length);
            BitBudgetCliTest.Run r = BitBudgetCliTest.run(args);
            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith(expected[i]), r.err());
            assertEquals("", r.out());
            assertFalse(Files.exists(out));
        }
    }
}
