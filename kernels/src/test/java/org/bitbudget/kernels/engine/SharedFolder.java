package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared reference models for kernels tests (the model module's test locator is not on
 * this module's test classpath): the system property {@code bitbudget.shared}, else
 * {@code ../../shared} from the module directory. A missing file fails the test rather than skipping it.
 */
final class SharedFolder {
    private SharedFolder() {}

    /** {@code models/<name>} of the shared folder. */
    static Path model(String name) {
        String property = System.getProperty("bitbudget.shared");
        Path root = property == null || property.isBlank() ? Path.of("../../shared") : Path.of(property);
        Path file = root.resolve("models").resolve(name).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            fail("shared reference file " + file + " is missing (system property bitbudget.shared overrides "
                    + "the folder)");
        }
        return file;
    }
}
