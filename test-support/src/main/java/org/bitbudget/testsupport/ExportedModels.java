package org.bitbudget.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The PyTorch-exported test models that {@code test-support/fixtures/make_models.py} trains and exports
 * (opset 17, dynamic batch), with the figures PyTorch measured for them: {@code NAME.onnx} and
 * {@code NAME.expected.json} on the classpath. They are copied to a temporary file once per JVM, since
 * the importer reads files.
 *
 * <pre>{@code
 * Graph vit = OnnxImporter.load(ExportedModels.model(ExportedModels.VIT));
 * JsonNode expected = new ObjectMapper().readTree(ExportedModels.expected(ExportedModels.VIT).toFile());
 * }</pre>
 */
public final class ExportedModels {
    /** A MobileNetV3-style CNN: HardSwish, HardSigmoid squeeze-excitation, depthwise convolutions. */
    public static final String MOBILENETV3 = "mobilenetv3-fashion-mnist";
    /** A small vision transformer: patch embedding, LayerNormalization, GELU through Erf, attention. */
    public static final String VIT = "vit-fashion-mnist";

    private static final String FOLDER = "/org/bitbudget/testsupport/models/";

    private ExportedModels() {}

    /** The ONNX file of model {@code name}. */
    public static Path model(String name) {
        return copy(name + ".onnx");
    }

    /** The figures PyTorch measured for model {@code name} on the Fashion-MNIST test split. */
    public static Path expected(String name) {
        return copy(name + ".expected.json");
    }

    private static synchronized Path copy(String file) {
        try (InputStream in = ExportedModels.class.getResourceAsStream(FOLDER + file)) {
            if (in == null) {
                fail("test resource " + FOLDER + file + " is missing; test-support/fixtures/make_models.py makes it");
            }
            Path dir = Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "bitbudget-exported-models-" + ProcessHandle.current().pid());
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                // Registered before the files it will hold, so the JVM deletes it after them.
                dir.toFile().deleteOnExit();
            }
            Path target = dir.resolve(file);
            if (!Files.exists(target)) {
                Path part = Files.createTempFile(dir, file, ".part");
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
                target.toFile().deleteOnExit();
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
