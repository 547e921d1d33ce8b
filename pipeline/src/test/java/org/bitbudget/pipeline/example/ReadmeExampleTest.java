package org.bitbudget.pipeline.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's library example ("Library API") exactly as printed: the test cuts the {@code java} block
 * out of README.md, compiles it with {@code javax.tools} against BitBudget's modules on the module path
 * (so it may use exported packages only), and runs it in a JVM of its own from the project root, where
 * its relative model path points. The chosen config must meet the budget the example sets.
 */
class ReadmeExampleTest {
    /** The project root: the pipeline's tests run there (see its pom). */
    private static final Path ROOT = Path.of("").toAbsolutePath();

    private static final List<String> NOT_LIBRARIES =
            List.of("junit", "opentest4j", "apiguardian", "onnxruntime", "test-support", "test-classes");

    @Test
    void theReadmeExampleCompilesAgainstTheModulesAndRuns(@TempDir Path dir) throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int heading = readme.indexOf("### Library API");
        assertTrue(heading >= 0, "README has a Library API section");
        int start = readme.indexOf("```java\n", heading) + "```java\n".length();
        String source = readme.substring(start, readme.indexOf("```", start));
        Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(name.find(), "the example is a whole class, imports included");
        Path file = dir.resolve("src").resolve(name.group(1) + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);

        // BitBudget's modules (folders holding a module-info.class) and the libraries they need.
        List<String> modules = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            boolean module = Files.isDirectory(p) && Files.isRegularFile(p.resolve("module-info.class"));
            boolean library = entry.endsWith(".jar") && NOT_LIBRARIES.stream().noneMatch(entry::contains);
            if (module || library) {
                modules.add(entry);
            }
        }
        String modulePath = String.join(File.pathSeparator, modules);
        Path classes = dir.resolve("classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(
                        diagnostics,
                        null,
                        null,
                        List.of(
                                "--module-path",
                                modulePath,
                                "--add-modules",
                                "org.bitbudget.pipeline,org.bitbudget.onnx",
                                "-d",
                                classes.toString()),
                        null,
                        javac.getStandardFileManager(null, null, null).getJavaFileObjects(file))
                .call();
        assertTrue(compiled, diagnostics.toString());

        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--module-path",
                        modulePath,
                        "--add-modules",
                        "org.bitbudget.pipeline,org.bitbudget.onnx",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        classes.toString(),
                        name.group(1))
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), output);
        Matcher printed = Pattern.compile("size (\\d+) of at most (\\d+(?:\\.\\d+)?) bits, accuracy (0\\.\\d+)")
                .matcher(output);
        assertTrue(printed.find(), output);
        assertTrue(Double.parseDouble(printed.group(1)) <= Double.parseDouble(printed.group(2)), output);
        assertTrue(Double.parseDouble(printed.group(3)) > 0.85, output);
        assertEquals(
                5,
                Pattern.compile("^/\\w+/\\w+ ", Pattern.MULTILINE)
                        .matcher(output)
                        .results()
                        .count(),
                output);
    }
}
