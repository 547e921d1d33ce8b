package org.bitbudget.pipeline.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.pipeline.SearchData;
import org.bitbudget.pipeline.SearchPipeline;
import org.junit.jupiter.api.Test;

/**
 * The README's library example ("Library API") is this test's {@link #example} body, imports
 * included, line for line; the test runs it (from the project root, where its relative model path
 * points) and checks what it promises. It sits outside the pipeline's package so that the example
 * uses the public API only.
 */
class ReadmeExampleTest {
    /** The project root: the pipeline's tests run there (see its pom). */
    private static final Path ROOT = Path.of("").toAbsolutePath();

    /** What the example leaves behind. */
    private record Outcome(SearchPipeline.Result result, PrecisionConfig chosen, double accuracy) {}

    // README begin
    private static Outcome example() {
        Graph model = OnnxImporter.load(Path.of("models/lenet5-fashion-mnist.onnx"));
        SearchData data = new SearchData(
                DataSources.open("fashion-mnist", Split.TRAIN),
                DataSources.open("fashion-mnist", Split.TEST),
                new Normalization(0.2860f, 0.3530f));
        SearchPipeline.Result result = SearchPipeline.builder(model, data)
                .weightFormats("int8", "int4", "int3", "int2")
                .estimator("measured")
                .budget("size <= 0.4*int8")
                .strategy("ilp")
                .seed(1)
                .build()
                .run();
        PrecisionConfig chosen = result.config(); // the precision of every layer
        double accuracy = result.accuracy(); // on the test split; result.engine() says which engine
        return new Outcome(result, chosen, accuracy);
    }
    // README end

    @Test
    void theReadmeShowsThisTestsCodeAndImports() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int heading = readme.indexOf("### Library API");
        assertTrue(heading >= 0, "README has a Library API section");
        int start = readme.indexOf("```java\n", heading) + "```java\n".length();
        List<String> block =
                List.of(readme.substring(start, readme.indexOf("```", start)).split("\n"));
        String source = Files.readString(
                ROOT.resolve("pipeline/src/test/java/org/bitbudget/pipeline/example/ReadmeExampleTest.java"));
        List<String> imports =
                block.stream().filter(l -> l.startsWith("import ")).toList();
        assertTrue(imports.size() >= 9, "the example lists its imports");
        for (String i : imports) {
            assertTrue(source.contains("\n" + i + "\n"), "this test imports " + i);
        }
        List<String> code = block.stream()
                .filter(l -> !l.startsWith("import "))
                .dropWhile(String::isBlank)
                .toList();
        String body = source.substring(source.indexOf("// README begin"), source.indexOf("// README end"));
        List<String> lines = Arrays.stream(body.split("\n")).toList();
        List<String> tested = lines.subList(2, lines.size() - 3).stream()
                .map(l -> l.startsWith("        ") ? l.substring(8) : l)
                .toList();
        assertEquals(tested, code);
    }

    @Test
    void theExampleRunsFromTheProjectRootAndMeetsItsBudget() {
        Outcome o = example();
        assertEquals(5, o.chosen().layers().size());
        double int8 = o.result().uniform().stream()
                .filter(p -> p.uniform().equals("int8"))
                .findFirst()
                .orElseThrow()
                .costs()
                .get("size");
        assertTrue(
                o.result().costs().get("size") <= 0.4 * int8,
                "size " + o.result().costs().get("size"));
        assertEquals(o.result().accuracy(), o.accuracy());
        assertTrue(o.accuracy() > 0.85, "accuracy " + o.accuracy());
        assertTrue(!o.result().pareto().isEmpty(), "the default sweep ran");
        assertEquals(4, o.result().uniform().size(), "one uniform config per weight format");
    }
}
