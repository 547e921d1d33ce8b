package org.bitbudget.ir;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that appear complete or not at all: written to a temporary file in the same folder, flushed
 * to disk, then renamed over the target. A process killed at any moment leaves either the old file,
 * the new one, or a {@code *.partial} leftover that readers ignore. Every file BitBudget writes for a
 * user (command outputs, batch results, the latency cache) goes through here.
 */
public final class AtomicFiles {
    /** Suffix of temporary files; a killed writer may leave them behind. */
    public static final String PARTIAL = ".partial";

    private AtomicFiles() {}

    /** What fills a text file. */
    @FunctionalInterface
    public interface TextContent {
        void writeTo(Writer writer) throws IOException;
    }

    /** Writes {@code text} to {@code target} atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, w -> w.write(text));
    }

    /** Writes bytes to {@code target} atomically. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        Path tmp = temp(target);
        try {
            Files.write(tmp, bytes);
            finish(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes the text {@code content} produces to {@code target} atomically. */
    public static void write(Path target, TextContent content) throws IOException {
        Path tmp = temp(target);
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                content.writeTo(w);
            }
            finish(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path temp(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        return Files.createTempFile(parent, "." + target.getFileName(), PARTIAL);
    }

    private static void finish(Path tmp, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
