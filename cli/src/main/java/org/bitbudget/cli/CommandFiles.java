package org.bitbudget.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bitbudget.ir.AtomicFiles;
import org.bitbudget.ir.UserInputException;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The files a command reads and writes, as its options declare them ({@link Writes}, {@link Reads}, options of
 * type {@code Path}), checked before the command does any work: no output may be an input or another output (by
 * real path, symbolic links followed), and every output's folder must exist and take a new file. One check for
 * every command, so a new command is covered by annotating its outputs.
 */
final class CommandFiles {
    /** One file or folder named on the command line: the option that names it and what the command uses in it. */
    private record Named(String option, Path path, List<String> inside) {
        String text() {
            return option + " " + path;
        }
    }

    private final List<Named> inputs = new ArrayList<>();
    private final List<Named> outputs = new ArrayList<>();

    private CommandFiles() {}

    /** picocli's execution strategy: the checks, then the command. */
    static int checkThenRun(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        if (!last.isUsageHelpRequested() && !last.isVersionHelpRequested()) {
            try {
                check(last.commandSpec().userObject());
            } catch (UserInputException e) {
                throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), e.getMessage(), e);
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** Checks the files of {@code command}, a picocli command object with its options set. */
    static void check(Object command) {
        CommandFiles files = new CommandFiles();
        files.collect(command);
        for (int i = 0; i < files.outputs.size(); i++) {
            Named out = files.outputs.get(i);
            files.refuseInputs(out);
            for (Named other : files.outputs.subList(0, i)) {
                if (real(other.path()).equals(real(out.path()))) {
                    throw new UserInputException(
                            out.text(), "is also " + other.option() + "; give each output its own path");
                }
            }
        }
        for (Named out : files.outputs) {
            if (out.inside().isEmpty()) {
                writableFile(out);
            } else {
                writableFolder(out);
            }
        }
    }

    private void collect(Object command) {
        for (Class<?> c = command.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                Object value = value(f, command);
                if (value == null) {
                    continue;
                }
                if (f.isAnnotationPresent(Mixin.class)) {
                    collect(value);
                    continue;
                }
                String option = optionName(f);
                if (option == null) {
                    continue;
                }
                Writes writes = f.getAnnotation(Writes.class);
                Reads reads = f.getAnnotation(Reads.class);
                List<String> inside =
                        List.of(writes != null ? writes.inside() : reads != null ? reads.inside() : new String[0]);
                for (Path p : paths(value, reads != null)) {
                    (writes != null ? outputs : inputs).add(new Named(option, p, inside));
                }
            }
        }
    }

    private static Object value(Field f, Object owner) {
        if (!f.isAnnotationPresent(Mixin.class)
                && !f.isAnnotationPresent(Option.class)
                && !f.isAnnotationPresent(Parameters.class)) {
            return null;
        }
        try {
            f.setAccessible(true);
            return f.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String optionName(Field f) {
        Option o = f.getAnnotation(Option.class);
        if (o != null) {
            return Arrays.stream(o.names())
                    .max((a, b) -> a.length() - b.length())
                    .orElse(f.getName());
        }
        Parameters p = f.getAnnotation(Parameters.class);
        return p == null ? null : p.paramLabel().isEmpty() ? f.getName() : p.paramLabel();
    }

    /** The paths in an option's value; text only when marked {@link Reads} and naming an existing file or folder. */
    private static List<Path> paths(Object value, boolean text) {
        List<Path> out = new ArrayList<>();
        for (Object v : value instanceof List<?> list ? list : List.of(value)) {
            if (v instanceof Path p) {
                out.add(p);
            } else if (text && v instanceof String s) {
                try {
                    // A data spec may carry options after '?' (x.npz?input-key=a).
                    Path p = Path.of(s.contains("?") ? s.substring(0, s.indexOf('?')) : s);
                    if (Files.exists(p)) {
                        out.add(p);
                    }
                } catch (InvalidPathException e) {
                    // Not a path (a data set's name, a spec): nothing on disk to protect.
                }
            }
        }
        return out;
    }

    private void refuseInputs(Named out) {
        Path target = real(out.path());
        for (Named in : inputs) {
            if (!Files.exists(in.path())) {
                continue;
            }
            Path source = real(in.path());
            if (source.equals(target)) {
                throw new UserInputException(
                        out.text(),
                        "is the input " + in.option() + "; writing it would destroy it (give another path)");
            }
            for (String name : out.inside()) {
                Path written = target.resolve(name);
                if (source.equals(written) || (name.endsWith("/") && source.startsWith(written))) {
                    throw new UserInputException(
                            out.text(),
                            "would overwrite " + written + ", the input " + in.option() + " (give another folder)");
                }
            }
            for (String name : in.inside()) {
                if (Files.isDirectory(source) && target.equals(source.resolve(name))) {
                    throw new UserInputException(
                            out.text(), "is " + name + " of the input " + in.text() + "; writing it would destroy it");
                }
            }
            // A folder read whole (idx files, images, test cases): any file already in it may be one it reads.
            if (in.inside().isEmpty()
                    && out.inside().isEmpty()
                    && Files.isDirectory(source)
                    && target.startsWith(source)
                    && Files.isRegularFile(target)) {
                throw new UserInputException(
                        out.text(), "is a file in the input folder " + in.text() + "; writing it could destroy it");
            }
        }
    }

    private static void writableFile(Named out) {
        if (Files.isDirectory(out.path())) {
            throw new UserInputException(out.text(), "is a folder; give a file name");
        }
        if (Files.exists(out.path()) && !Files.isRegularFile(out.path())) {
            // Renaming a file over a device such as /dev/null would replace the device itself.
            throw new UserInputException(out.text(), "is not a regular file (a device or a pipe); give a file name");
        }
        Path parent = out.path().toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UserInputException(out.text(), missingFolder(parent));
        }
        probe(out, parent, "." + out.path().getFileName());
    }

    private static void writableFolder(Named out) {
        Path dir = out.path().toAbsolutePath();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserInputException(out.text(), "is a file; give a folder");
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new UserInputException(out.text(), existing + " is a file, not a folder");
        }
        probe(out, existing, ".bitbudget");
    }

    private static String missingFolder(Path parent) {
        Path existing = parent;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && !Files.isDirectory(existing)
                ? existing + " is a file, not a folder"
                : "folder " + parent + " does not exist";
    }

    /** Creates and removes a temporary file in {@code dir} as {@link AtomicFiles} will, so writing cannot fail later for want of a folder, a permission or a name. */
    private static void probe(Named out, Path dir, String prefix) {
        try {
            Files.delete(Files.createTempFile(dir, prefix, AtomicFiles.PARTIAL));
            // Pseudo file systems (/proc, /sys) have no size at all; a real one with no room left fails later.
            FileStore store = Files.getFileStore(dir);
            if (store.getTotalSpace() > 0 && store.getUsableSpace() == 0) {
                throw new UserInputException(out.text(), "no space left on the device of " + dir);
            }
        } catch (IOException e) {
            throw new UserInputException(out.text(), "cannot write in " + dir + ": " + reason(e), e);
        }
    }

    /** The path with symbolic links resolved; for a path that does not exist yet, its nearest existing folder's. */
    private static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }

    /** What went wrong, in the words of the file system. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder";
        }
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        if (reason == null || reason.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }

    /** An I/O failure as the one-line error of a user's environment: the file and the reason. */
    static UserInputException userError(Exception e) {
        IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
        String file = io instanceof FileSystemException f && f.getFile() != null ? f.getFile() : "I/O error";
        return new UserInputException(file, reason(io), e);
    }
}
