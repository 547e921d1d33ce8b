package org.bitbudget.costs;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.onnx.OnnxImporter;

/** The shared reference models ({@code -Dbitbudget.shared}, else {@code ../../shared}); missing ones fail. */
final class SharedModels {
    private SharedModels() {}

    static Graph lenet5() {
        String property = System.getProperty("bitbudget.shared");
        Path root = property == null || property.isBlank() ? Path.of("../../shared") : Path.of(property);
        Path file = root.resolve("models/lenet5.onnx").toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            fail("shared reference model " + file + " is missing (-Dbitbudget.shared overrides the folder)");
        }
        return OnnxImporter.load(file);
    }
}
