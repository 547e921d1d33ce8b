package org.bitbudget.model.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bitbudget.model.UserInputException;

/**
 * Resolves a {@code --data} value to a data set: {@code fashion-mnist} (Debian package
 * {@code dataset-fashion-mnist}), {@code mnist}, or a folder of idx files named
 * {@code train-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]} and so on.
 */
public final class DataSources {
    /** Where Debian's {@code dataset-fashion-mnist} puts its files. */
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /** Where an MNIST package or a user's copy is looked for first. */
    public static final Path MNIST = Path.of("/usr/share/datasets/mnist");

    private DataSources() {
    }

    /** Loads one split of the data set named by {@code spec}. */
    public static Dataset load(String spec, Split split) {
        Path folder = folder(spec);
        Path images = find(folder, split, "images", spec);
        Path labels = find(folder, split, "labels", spec);
        String name = spec.equals("fashion-mnist") || spec.equals("mnist") ? spec : folder.toString();
        return IdxReader.read(images, labels, name + ":" + split.name().toLowerCase(Locale.ROOT));
    }

    private static Path folder(String spec) {
        switch (spec) {
            case "fashion-mnist" -> {
                if (!Files.isDirectory(FASHION_MNIST)) {
                    throw new UserInputException("--data fashion-mnist", "not installed; install it with "
                            + "'apt-get install dataset-fashion-mnist' (./bitbudget does this itself when run as root)");
                }
                return FASHION_MNIST;
            }
            case "mnist" -> {
                String env = System.getenv("BITBUDGET_MNIST");
                Path p = env != null ? Path.of(env) : MNIST;
                if (!Files.isDirectory(p)) {
                    throw new UserInputException("--data mnist", "no MNIST files in " + p + "; download the four idx "
                            + "files there, or set BITBUDGET_MNIST, or pass --data DIR");
                }
                return p;
            }
            default -> {
                Path p = Path.of(spec);
                if (!Files.isDirectory(p)) {
                    throw new UserInputException("--data " + spec, "not fashion-mnist, mnist or a folder of idx files");
                }
                return p;
            }
        }
    }

    private static Path find(Path folder, Split split, String kind, String spec) {
        String prefix = split.filePrefix() + "-" + kind;
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> matches = files.filter(f -> {
                String n = f.getFileName().toString();
                return n.startsWith(prefix) && (n.endsWith("ubyte") || n.endsWith("ubyte.gz"));
            }).sorted().toList();
            if (matches.isEmpty()) {
                throw new UserInputException("--data " + spec, "no " + prefix + "-idx?-ubyte[.gz] file in " + folder);
            }
            return matches.getFirst();
        } catch (IOException e) {
            throw new UserInputException("--data " + spec, "cannot list " + folder + ": " + e.getMessage());
        }
    }
}
