package org.bitbudget.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bitbudget.ir.UserInputException;

/**
 * A folder of PNG and JPEG pictures ({@code .png}, {@code .jpg}, {@code .jpeg}, any case): in
 * torchvision's ImageFolder convention {@code DIR/CLASS/…/picture.png}, the class folders sorted by name
 * are labels 0..C−1 and the pictures of each class are taken in path order; a folder holding pictures
 * and no class folders is unlabelled. Pictures become tensors as the {@link Preprocessing} of the
 * {@link ReadOptions} says and are decoded when a batch asks for them. There is one set of samples: both
 * splits are the whole folder.
 */
final class ImageFolderFormat implements DataSourceFormat {
    @Override
    public String name() {
        return "images";
    }

    @Override
    public String description() {
        return "an image folder";
    }

    @Override
    public boolean accepts(String spec) {
        try {
            Path dir = Path.of(spec);
            if (!Files.isDirectory(dir)) {
                return false;
            }
            try (Stream<Path> all = Files.walk(dir, 2)) {
                return all.anyMatch(ImageFolderFormat::isPicture);
            }
        } catch (IOException | InvalidPathException | UncheckedIOException e) {
            return false;
        }
    }

    @Override
    public DataSource open(String spec, Split split) {
        return open(spec, split, ReadOptions.DEFAULT);
    }

    @Override
    public DataSource open(String spec, Split split, ReadOptions options) {
        Path dir = Path.of(spec);
        if (!Files.isDirectory(dir)) {
            throw new UserInputException(spec, "not a folder");
        }
        List<Path> classes;
        List<Path> top;
        try (Stream<Path> children = Files.list(dir)) {
            List<Path> all = children.sorted().toList();
            classes = all.stream().filter(Files::isDirectory).toList();
            top = all.stream().filter(ImageFolderFormat::isPicture).toList();
        } catch (IOException e) {
            throw new UserInputException(spec, "cannot list the folder: " + e.getMessage());
        }
        List<Path> files = new ArrayList<>();
        int[] labels = null;
        List<String> steps = new ArrayList<>();
        if (classes.isEmpty()) {
            if (top.isEmpty()) {
                throw new UserInputException(spec, "holds no .png, .jpg or .jpeg pictures");
            }
            files.addAll(top);
        } else {
            if (!top.isEmpty()) {
                throw new UserInputException(
                        spec,
                        "holds both pictures (" + top.getFirst().getFileName() + ") and class folders; "
                                + "put every picture in its class folder, or use a flat folder without labels");
            }
            List<Integer> classOf = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int c = 0; c < classes.size(); c++) {
                List<Path> pictures = pictures(classes.get(c), spec);
                if (pictures.isEmpty()) {
                    throw new UserInputException(classes.get(c).toString(), "class folder holds no pictures");
                }
                files.addAll(pictures);
                for (int i = 0; i < pictures.size(); i++) {
                    classOf.add(c);
                }
                names.add(classes.get(c).getFileName() + "=" + c);
            }
            labels = classOf.stream().mapToInt(Integer::intValue).toArray();
            steps.add("labels by class folder: " + String.join(", ", names));
        }
        List<DataProvenance.FileDigest> digests = new ArrayList<>();
        for (Path f : files) {
            digests.add(NpyFormat.digest(f, spec));
        }
        steps.addAll(options.preprocessing().steps());
        DataProvenance provenance = new DataProvenance(name(), dir.toString(), dir, digests, steps);
        return new ImageSamples(provenance, files, labels, classes.size(), options.preprocessing());
    }

    private static List<Path> pictures(Path folder, String spec) {
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(p -> Files.isRegularFile(p) && isPicture(p))
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new UserInputException(spec, "cannot list " + folder + ": " + e.getMessage());
        }
    }

    private static boolean isPicture(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }
}
