package org.bitbudget.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bitbudget.ir.UserInputException;

/**
 * idx files: {@code fashion-mnist} (Debian package {@code dataset-fashion-mnist}), {@code mnist}, or a
 * folder of idx files named {@code train-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]}
 * and so on. A split without a labels file is an unlabelled source.
 */
final class IdxFormat implements DataSourceFormat {
    /** The format's name in provenance. */
    static final String NAME = "idx";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "fashion-mnist, mnist or a folder of idx files";
    }

    @Override
    public boolean accepts(String spec) {
        if (spec.equals("fashion-mnist") || spec.equals("mnist")) {
            return true;
        }
        try (Stream<Path> files = Files.list(Path.of(spec))) {
            return files.anyMatch(IdxFormat::isIdx);
        } catch (IOException | InvalidPathException e) {
            return false;
        }
    }

    @Override
    public DataSource open(String spec, Split split) {
        Path folder = folder(spec);
        Path images = find(folder, split, "images", spec);
        Path labels = find(folder, split, "labels", spec);
        String name = (spec.equals("fashion-mnist") || spec.equals("mnist") ? spec : folder.toString()) + ":"
                + split.name().toLowerCase(Locale.ROOT);
        if (labels == null) {
            return IdxReader.readUnlabelled(images, name);
        }
        return IdxReader.read(images, labels, name);
    }

    private static Path folder(String spec) {
        switch (spec) {
            case "fashion-mnist" -> {
                if (!Files.isDirectory(DataSources.FASHION_MNIST)) {
                    throw new UserInputException(
                            spec,
                            "not installed; install it with 'apt-get install "
                                    + "dataset-fashion-mnist' (./bitbudget does this itself when run as root)");
                }
                return DataSources.FASHION_MNIST;
            }
            case "mnist" -> {
                String env = System.getenv("BITBUDGET_MNIST");
                Path p = env != null ? Path.of(env) : DataSources.MNIST;
                if (!Files.isDirectory(p)) {
                    throw new UserInputException(
                            spec,
                            "no MNIST files in " + p + "; download the four idx "
                                    + "files there, or set BITBUDGET_MNIST, or name a folder of idx files");
                }
                return p;
            }
            default -> {
                return Path.of(spec);
            }
        }
    }

    /** The split's images or labels file; a missing labels file is null (unlabelled data). */
    private static Path find(Path folder, Split split, String kind, String spec) {
        String prefix = split.filePrefix() + "-" + kind;
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> matches = files.filter(f -> f.getFileName().toString().startsWith(prefix) && isIdx(f))
                    .sorted()
                    .toList();
            if (matches.isEmpty()) {
                if (kind.equals("labels")) {
                    return null;
                }
                throw new UserInputException(spec, "no " + prefix + "-idx?-ubyte[.gz] file in " + folder);
            }
            return matches.getFirst();
        } catch (IOException e) {
            throw new UserInputException(spec, "cannot list " + folder + ": " + e.getMessage());
        }
    }

    private static boolean isIdx(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith("ubyte") || n.endsWith("ubyte.gz");
    }
}
