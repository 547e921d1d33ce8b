package org.bitbudget.experiments.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.bitbudget.model.UserInputException;

/**
 * Writes an output file so that it appears complete or not at all: into a temporary file beside
 * it, then moved into place. A failed command therefore never leaves a half file that looks whole.
 */
final class AtomicOutput {
    /** What fills the temporary file. */
    @FunctionalInterface
    interface Content {
        void writeTo(Path file) throws IOException;
    }

    private AtomicOutput() {
    }

    /** Checks that {@code target} can be written: its folder exists and it is not itself a folder. */
    static void checkFolder(String option, Path target) {
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UserInputException(option + " " + target, "folder " + parent + " does not exist");
        }
        if (Files.isDirectory(target)) {
            throw new UserInputException(option + " " + target, "is a folder; give a file name");
        }
    }

    /** Writes {@code bytes} to {@code target}. */
    static void write(String option, Path target, byte[] bytes) throws IOException {
        write(option, target, file -> Files.write(file, bytes));
    }

    /** Writes text produced by {@code content} to {@code target}. */
    static void writeText(String option, Path target, TextContent content) throws IOException {
        write(option, target, file -> {
            try (Writer w = Files.newBufferedWriter(file)) {
                content.writeTo(w);
            }
        });
    }

    /** What fills a text file. */
    @FunctionalInterface
    interface TextContent {
        void writeTo(Writer writer) throws IOException;
    }

    static void write(String option, Path target, Content content) throws IOException {
        checkFolder(option, target);
        Path parent = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(parent, target.getFileName().toString(), ".partial");
        try {
            content.writeTo(tmp);
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                // Temporary files are private; the result should have ordinary file permissions.
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
