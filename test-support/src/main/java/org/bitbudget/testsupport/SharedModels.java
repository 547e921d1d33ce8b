package org.bitbudget.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared reference models ({@code <project root>/../shared/models}) for tests. The build
 * passes the folder as the system property {@code bitbudget.shared}; without it the folder is taken
 * relative to the module directory, where Surefire runs tests. A missing file fails the test, never
 * skips it: the reference figures are part of what the build checks.
 */
public final class SharedModels {
    private SharedModels() {}

    /** The shared folder, which holds {@code models/}. */
    public static Path root() {
        String property = System.getProperty("bitbudget.shared");
        Path root = property == null || property.isBlank() ? Path.of("../../shared") : Path.of(property);
        return root.toAbsolutePath().normalize();
    }

    /** The file {@code models/<name>} of the shared folder; fails the test when it is missing. */
    public static Path model(String name) {
        Path file = root().resolve("models").resolve(name);
        if (!Files.isRegularFile(file)) {
            fail("shared reference file " + file + " is missing; the tests expect the shared folder at "
                    + "<project root>/../shared (system property bitbudget.shared overrides it)");
        }
        return file;
    }
}
