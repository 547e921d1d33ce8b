package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line as a user drives it: real commands on the reference LeNet-5 and Fashion-MNIST,
 * their JSON on stdout, their files, and the one-line errors with exit code 2.
 */
class BitBudgetCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SHARED = Path.of(System.getProperty("bitbudget.shared", "../../shared"));
    private static final Path LENET = SHARED.resolve("models/lenet5.onnx");

    /** What one run printed and returned. */
    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = BitBudgetCli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void inspectListsTheLayersOfLenet() throws Exception {
        Run r = run("inspect", "--model", LENET.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        List<String> names =
                j.get("layers").valueStream().map(l -> l.get("name").asText()).toList();
        assertEquals(List.of("/c1/Conv", "/c2/Conv", "/f1/Gemm", "/f2/Gemm", "/f3/Gemm"), names);
        // Hand count: c1 6*1*5*5+6, c2 16*6*5*5+16, f1 120*400+120, f2 84*120+84, f3 10*84+10.
        assertEquals(156 + 2416 + 48120 + 10164 + 850, j.get("params").asLong());
        // c1 6*28*28*25, c2 16*10*10*150, then 400*120, 120*84, 84*10.
        assertEquals(117600 + 240000 + 48000 + 10080 + 840, j.get("macs").asLong());
        JsonNode c2 = j.get("layers").get(1);
        assertEquals("[1,6,14,14]", c2.get("input_shape").toString());
        assertEquals("[1,16,10,10]", c2.get("output_shape").toString());
        assertEquals("[16,6,5,5]", c2.get("weight_shape").toString());
    }

    @Test
    void evalPrintsOneJsonObjectAndWritesLogits(@TempDir Path dir) throws Exception {
        Path logits = dir.resolve("logits.csv");
        Run r = run(
                "eval",
                "--model",
                LENET.toString(),
                "--data",
                "fashion-mnist",
                "--limit",
                "300",
                "--normalize",
                "0.2860,0.3530",
                "--logits",
                logits.toString(),
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(300, j.get("samples").asInt());
        assertEquals("float", j.get("engine").asText());
        assertTrue(j.get("images_per_second").asDouble() > 0);

        List<String> lines = Files.readAllLines(logits);
        assertEquals(
                "index,label,prediction,logit_0,logit_1,logit_2,logit_3,logit_4,logit_5,logit_6,logit_7,"
                        + "logit_8,logit_9",
                lines.getFirst());
        assertEquals(301, lines.size());
        int correct = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            correct += f[1].equals(f[2]) ? 1 : 0;
        }
        assertEquals(j.get("correct").asInt(), correct);
        assertEquals(correct / 300.0, j.get("accuracy").asDouble(), 1e-12);

        JsonNode expected = JSON.readTree(
                        SHARED.resolve("models/lenet5.expected.json").toFile())
                .get("first16_logits");
        for (int i = 0; i < 16; i++) {
            String[] f = lines.get(i + 1).split(",");
            for (int c = 0; c < 10; c++) {
                assertEquals(
                        expected.get(i).get(c).asDouble(),
                        Double.parseDouble(f[3 + c]),
                        1e-3,
                        "image " + i + " logit " + c);
            }
        }
    }

    @Test
    void conformanceReportsCounts() throws Exception {
        Run r = run(
                "conformance",
                "--json",
                "/usr/share/libonnx-testdata/data/node/test_relu",
                "/usr/share/libonnx-testdata/data/node/test_det_2d");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(1, j.get("passed").asInt());
        assertEquals(0, j.get("failed").asInt());
        assertEquals(1, j.get("unsupported").asInt());
        assertEquals("Det", j.get("cases").get(1).get("op").asText());
    }

    @Test
    void evalWithAConfigAndQuantizeAgree(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("w4a8.yaml");
        Files.writeString(config, """
                default:
                  weights: int4
                  activations: uint8
                layers:
                  /c1/Conv:
                    activations: int8
                """);
        Run eval = run(
                "eval",
                "--model",
                LENET.toString(),
                "--normalize",
                "0.2860,0.3530",
                "--limit",
                "500",
                "--calibration",
                "200",
                "--config",
                config.toString(),
                "--json");
        assertEquals(0, eval.code(), eval.err());
        Path out = dir.resolve("q.onnx");
        Run quantize = run(
                "quantize",
                "--model",
                LENET.toString(),
                "--normalize",
                "0.2860,0.3530",
                "--calibration",
                "200",
                "--config",
                config.toString(),
                "--out",
                out.toString(),
                "--json");
        assertEquals(0, quantize.code(), quantize.err());
        assertEquals(out.toString(), quantize.json().get("out").asText());
        assertEquals(5, quantize.json().get("layers").size());
        Run reEval = run("eval", "--model", out.toString(), "--normalize", "0.2860,0.3530", "--limit", "500", "--json");
        assertEquals(0, reEval.code(), reEval.err());
        assertEquals(
                eval.json().get("accuracy").asDouble(),
                reEval.json().get("accuracy").asDouble(),
                0.0);
    }

    @Test
    void theIntegerEngineAgreesWithFakeQuantization(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("w8a8.json");
        Files.writeString(
                config,
                "{\"default\": {\"weights\": \"int8\", \"activations\": \"uint8\"},"
                        + " \"layers\": {\"/c1/Conv\": {\"activations\": \"int8\"}}}");
        String[] common = {
            "eval",
            "--model",
            LENET.toString(),
            "--normalize",
            "0.2860,0.3530",
            "--limit",
            "1000",
            "--calibration",
            "300",
            "--config",
            config.toString(),
            "--json"
        };
        Run fake = run(common);
        List<String> args = new java.util.ArrayList<>(List.of(common));
        args.addAll(List.of("--engine", "integer"));
        Run integer = run(args.toArray(String[]::new));
        assertEquals(0, integer.code(), integer.err());
        assertEquals("integer", integer.json().get("engine").asText());
        assertEquals(
                fake.json().get("accuracy").asDouble(),
                integer.json().get("accuracy").asDouble(),
                0.003);
        Run missing = run("eval", "--model", LENET.toString(), "--limit", "10", "--engine", "integer");
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("bitbudget: --engine integer: needs --config"), missing.err());
    }

    @Test
    void badConfigsAreOneLineErrorsNamingTheField(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.json");
        Files.writeString(
                config,
                "{\"layers\": {\"/c1/Conv\": {\"weights\": {\"format\": \"int4\", "
                        + "\"granularity\": \"per-row\"}}}}");
        Run r = run("eval", "--model", LENET.toString(), "--limit", "10", "--config", config.toString());
        assertEquals(2, r.code());
        assertEquals(
                "bitbudget: " + config + ": layers./c1/Conv.weights.granularity: 'per-row' is not per-tensor, "
                        + "per-channel or per-vector(N)",
                r.err().strip());
        Path unknownLayer = dir.resolve("layer.json");
        Files.writeString(unknownLayer, "{\"layers\": {\"/c9/Conv\": {\"weights\": \"int4\"}}}");
        Run u = run(
                "quantize",
                "--model",
                LENET.toString(),
                "--config",
                unknownLayer.toString(),
                "--out",
                dir.resolve("q.onnx").toString());
        assertEquals(2, u.code());
        assertTrue(u.err().startsWith("bitbudget: " + unknownLayer + ": layers./c9/Conv: no such layer"), u.err());
        assertFalse(Files.exists(dir.resolve("q.onnx")));
    }

    @Test
    void theDefaultModelNeedsNoOptions() throws Exception {
        Run r = run("eval", "--limit", "1000", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.json().get("model").asText().endsWith("models/lenet5-fashion-mnist.onnx"), r.out());
        assertEquals(0.286, r.json().get("normalize").get("mean").asDouble(), 1e-6);
        assertTrue(r.json().get("accuracy").asDouble() > 0.85, r.out());
    }

    @Test
    void trainWritesAModelThatEvalReads(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("tiny.onnx");
        Run t = run(
                "train",
                "--arch",
                "lenet5",
                "--epochs",
                "1",
                "--limit",
                "640",
                "--seed",
                "3",
                "--out",
                out.toString(),
                "--json");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.json().get("train_images_per_second").asDouble() > 0);
        assertEquals(1, t.json().get("epoch_losses").size());
        Run e = run("eval", "--model", out.toString(), "--limit", "200", "--json");
        assertEquals(0, e.code(), e.err());
        assertEquals(t.json().get("normalize"), e.json().get("normalize"));
        Run bad = run("train", "--arch", "vgg", "--out", dir.resolve("x.onnx").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("bitbudget: --arch: unknown architecture 'vgg'"), bad.err());
        Run zero = run("train", "--epochs", "0", "--out", dir.resolve("x.onnx").toString());
        assertEquals(
                "bitbudget: --epochs: must be at least 1, got 0", zero.err().strip());
        Run folder = run("train", "--limit", "64", "--out", dir.toString());
        assertEquals(2, folder.code());
        assertTrue(folder.err().contains("is a folder"), folder.err());
    }

    @Test
    void benchReportsThroughputAndEveryStep() throws Exception {
        Run r = run("bench", "--model", LENET.toString(), "--batch", "16", "--seconds", "0.2", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertTrue(j.get("images_per_second").asDouble() > 0);
        List<String> steps =
                j.get("layers").valueStream().map(l -> l.get("step").asText()).toList();
        assertEquals(8, steps.size(), steps.toString());
        assertEquals("Conv /c1/Conv + Relu /Relu", steps.getFirst());
        Run bad = run("bench", "--model", LENET.toString(), "--seconds", "-1");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("bitbudget: --seconds: must be between"), bad.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"inspect", "eval", "quantize", "train", "bench", "conformance"})
    void everyCommandHasHelp(String command) {
        Run r = run(command, "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("Usage: bitbudget " + command), r.out());
    }

    static List<Arguments> userErrors() {
        String m = LENET.toString();
        return List.of(
                Arguments.of(List.of("eval", "--bogus"), "bitbudget: --bogus: unknown option"),
                Arguments.of(List.of("eval", "--model", m, "--limit", "x"), "bitbudget: --limit: 'x' is not an int"),
                Arguments.of(
                        List.of("quantize", "--model", m, "--out", "q.onnx"),
                        "bitbudget: --config: missing (required)"),
                Arguments.of(List.of("eval", "--model", m, "--limit", "0"), "bitbudget: --limit: must be at least 1"),
                Arguments.of(List.of("eval", "--model", m, "--split", "valid"), "bitbudget: --split: 'valid' is not"),
                Arguments.of(
                        List.of("eval", "--model", m, "--normalize", "0.3"),
                        "bitbudget: --normalize: expected MEAN,STD"),
                Arguments.of(
                        List.of("eval", "--model", m, "--data", "/no/such/folder"),
                        "bitbudget: --data /no/such/folder: not fashion-mnist, mnist or a folder"),
                Arguments.of(List.of("inspect", "--model", "/no/such.onnx"), "bitbudget: /no/such.onnx: no such file"),
                Arguments.of(
                        List.of(
                                "inspect",
                                "--model",
                                SHARED.resolve("models/README.md").toString()),
                        "bitbudget: " + SHARED.resolve("models/README.md") + ": not"),
                Arguments.of(List.of("conformance", "/no/such/dir"), "bitbudget: /no/such/dir: not a folder"),
                Arguments.of(List.of(), "bitbudget: missing command"));
    }

    @ParameterizedTest
    @MethodSource("userErrors")
    void userErrorsAreOneLineWithExitCode2(List<String> args, String prefix) {
        Run r = run(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith(prefix), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aFailedEvalLeavesNoLogitsFile(@TempDir Path dir) {
        Path logits = dir.resolve("missing-folder/logits.csv");
        Run r = run("eval", "--model", LENET.toString(), "--limit", "10", "--logits", logits.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("bitbudget: --logits"), r.err());
        assertFalse(Files.exists(logits));
    }
}
