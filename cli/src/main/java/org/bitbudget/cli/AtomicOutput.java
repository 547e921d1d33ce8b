package org.bitbudget.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bitbudget.ir.AtomicFiles;
import org.bitbudget.ir.UserInputException;

/**
 * Output files named by an option: the option's folder is checked first, so that a wrong {@code --out}
 * is a one-line error naming it, then the file is written by {@link AtomicFiles} (complete or not at all).
 */
final class AtomicOutput {
    private AtomicOutput() {}

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
        checkFolder(option, target);
        try {
            AtomicFiles.writeBytes(target, bytes);
        } catch (IOException e) {
            throw new UserInputException(option + " " + target, "cannot write: " + CommandFiles.reason(e), e);
        }
    }

    /** Writes text produced by {@code content} to {@code target}. */
    static void writeText(String option, Path target, AtomicFiles.TextContent content) throws IOException {
        checkFolder(option, target);
        try {
            AtomicFiles.write(target, content);
        } catch (IOException e) {
            throw new UserInputException(option + " " + target, "cannot write: " + CommandFiles.reason(e), e);
        }
    }
}
