package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bitbudget costs} on the reference LeNet-5. */
class CostsCommandTest {
    private static final Path LENET =
            Path.of(System.getProperty("bitbudget.shared", "../../shared")).resolve("models/lenet5.onnx");
    private static final long MACS = 416_520;

    @Test
    void costTableAndUniformTotalsAsJson() throws Exception {
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(
                "costs", "--model", LENET.toString(), "--formats", "int8,int4,int2,fp8-e4m3", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(5 * 4, j.get("layers").size());
        JsonNode first = j.get("layers").get(0);
        assertEquals("/c1/Conv", first.get("name").asText());
        assertEquals("int8", first.get("precision").asText());
        // c1: 150 weights x 8 + 6 biases x 32 + 6 scales x 32.
        assertEquals(150 * 8 + 6 * 32 + 6 * 32, first.get("size_bits").asLong());
        assertEquals(117_600L * 8 * 32, first.get("bops").asLong());
        JsonNode int8 = j.get("uniform").get("int8");
        assertEquals(506_864, int8.get("size_bits").asLong());
        assertEquals(506_864 / 8.0, int8.get("size_bytes").asDouble());
        assertEquals(MACS * 8 * 32, int8.get("bops").asLong());
        assertEquals(MACS, int8.get("macs").asLong());
        assertEquals(32, int8.get("accumulator_bits").asLong());
        assertTrue(int8.get("energy_pj").asDouble()
                > j.get("uniform").get("int2").get("energy_pj").asDouble());
        assertEquals(506_864, j.get("uniform").get("fp8-e4m3").get("size_bits").asLong());
        List<String> keys =
                j.get("models").valueStream().map(m -> m.get("name").asText()).toList();
        assertEquals(
                List.of("size", "bops", "macs", "activation-memory", "energy", "accumulator", "accumulator-l1", "bpw"),
                keys);
    }

    @Test
    void budgetsCsvAndRoofline(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("costs.csv");
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(
                "costs",
                "--model",
                LENET.toString(),
                "--activations",
                "uint8",
                "--budget",
                "bops <= 0.25*int8",
                "--budget",
                "size <= 40KiB",
                "--latency",
                "roofline",
                "--out",
                csv.toString(),
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode u = r.json().get("uniform");
        // Reference int8 = W8A8: 64 bits^2 per MAC; a quarter is 16: only int2 weights x uint8 fit.
        assertFalse(u.get("int8/uint8").get("meets_budgets").asBoolean());
        assertFalse(u.get("int4/uint8").get("meets_budgets").asBoolean());
        assertTrue(u.get("int2/uint8").get("meets_budgets").asBoolean());
        assertEquals(MACS * 16.0, r.json().get("budgets").get(0).get("limit").asDouble());
        assertTrue(u.get("int2/uint8").get("latency_ms").asDouble() > 0);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(1 + 5 * 3, lines.size());
        assertTrue(
                lines.getFirst().startsWith("layer,precision,weights,activations,size_bits,bops,macs,"),
                lines.getFirst());
        assertTrue(lines.getFirst().endsWith(",latency_ms"), lines.getFirst());
        assertTrue(lines.get(1).startsWith("/c1/Conv,int8/uint8,int8,uint8,1584,7526400,117600,"), lines.get(1));
    }

    @Test
    void userLatencyTable(@TempDir Path dir) throws Exception {
        Path table = dir.resolve("phone.csv");
        Files.writeString(table, """
                layer,precision,ms
                /c1/Conv,int8,0.25
                /c2/Conv,int8,0.5
                /f1/Gemm,int8,0.125
                /f2/Gemm,int8,0.0625
                /f3/Gemm,int8,0.0625
                """);
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(
                "costs",
                "--model",
                LENET.toString(),
                "--formats",
                "int8",
                "--models",
                "size,latency",
                "--latency",
                table.toString(),
                "--budget",
                "latency <= 1ms",
                "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(1.0, r.json().get("uniform").get("int8").get("latency_ms").asDouble());
        assertTrue(r.json().get("uniform").get("int8").get("meets_budgets").asBoolean());
        BitBudgetCliTest.Run missing = BitBudgetCliTest.run(
                "costs", "--model", LENET.toString(), "--formats", "int4", "--latency", table.toString());
        assertEquals(2, missing.code());
        assertEquals(
                "bitbudget: " + table + ": no row for layer /c1/Conv at precision int4",
                missing.err().strip());
    }

    @Test
    void measuredLatencyIsCachedPerMachine(@TempDir Path dir) throws Exception {
        String old = System.getProperty("bitbudget.cache");
        System.setProperty("bitbudget.cache", dir.toString());
        try {
            BitBudgetCliTest.Run r = BitBudgetCliTest.run(
                    "costs",
                    "--model",
                    LENET.toString(),
                    "--formats",
                    "int8",
                    "--models",
                    "latency",
                    "--latency",
                    "measured",
                    "--json");
            assertEquals(0, r.code(), r.err());
            JsonNode layer = r.json().get("layers").get(0);
            assertTrue(layer.get("latency_ms").asDouble() > 0);
            assertEquals("float", layer.get("latency_engine").asText(), "weight-only configs run on the float engine");
            try (var files = Files.list(dir)) {
                assertEquals(
                        1,
                        files.filter(f -> f.getFileName().toString().startsWith("latency-"))
                                .count());
            }
            BitBudgetCliTest.Run again = BitBudgetCliTest.run(
                    "costs",
                    "--model",
                    LENET.toString(),
                    "--formats",
                    "int8",
                    "--models",
                    "latency",
                    "--latency",
                    "measured",
                    "--json");
            assertEquals(r.json().get("uniform"), again.json().get("uniform"), "the second run reads the cache");
        } finally {
            if (old == null) {
                System.clearProperty("bitbudget.cache");
            } else {
                System.setProperty("bitbudget.cache", old);
            }
        }
    }

    @Test
    void userErrorsAreOneLine() {
        BitBudgetCliTest.Run r = BitBudgetCliTest.run("costs", "--model", LENET.toString(), "--budget", "size <= 64");
        assertEquals(2, r.code());
        assertEquals(
                "bitbudget: budget 'size <= 64^': position 10: size needs a unit (bits, bit, B, bytes, KiB, MiB, "
                        + "GiB, KB, kB, MB, GB)",
                r.err().strip());
        r = BitBudgetCliTest.run("costs", "--model", LENET.toString(), "--formats", "int9");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("bitbudget: --formats: unknown format 'int9'"), r.err());
        r = BitBudgetCliTest.run("costs", "--model", LENET.toString(), "--budget", "latency <= 1ms");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("the cost model latency is not computed"), r.err());
        r = BitBudgetCliTest.run("costs", "--model", LENET.toString(), "--models", "speed");
        assertEquals(2, r.code());
        assertEquals(
                "bitbudget: --models: 'speed' is not one of size, bops, macs, activation-memory, energy, "
                        + "accumulator, accumulator-l1, bpw, latency",
                r.err().strip());
    }
}
