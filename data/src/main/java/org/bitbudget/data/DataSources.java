package org.bitbudget.data;

import java.nio.file.Path;
import java.util.List;
import org.bitbudget.ir.UserInputException;

/**
 * Opens data by name or path: {@code FORMAT:SPEC} (e.g. {@code idx:/data/digits}) with the format of
 * that name, else with the first registered {@link DataSourceFormat} that accepts the spec. A spec may
 * end in {@code ?SETTINGS} ({@code features.npz?input-key=mel,pos&label-key=target}, see
 * {@link ReadOptions#withQuery}), so that one string names data and how to read them (YAML batches).
 * A new format is registered in {@link #FORMATS}.
 */
public final class DataSources {
    /** Where Debian's {@code dataset-fashion-mnist} puts its files. */
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /** Where an MNIST package or a user's copy is looked for first. */
    public static final Path MNIST = Path.of("/usr/share/datasets/mnist");

    /** The formats, asked in this order (a format that recognises its data by content before a catch-all). */
    private static final List<DataSourceFormat> FORMATS =
            List.of(new IdxFormat(), new NpyFormat(), new NpzFormat(), new ImageFolderFormat());

    private DataSources() {}

    /**
     * Opens split {@code split} of the data {@code spec} names.
     *
     * @throws UserInputException naming {@code spec} when no format reads it, or naming the file at fault
     */
    public static DataSource open(String spec, Split split) {
        return open(spec, split, ReadOptions.DEFAULT);
    }

    /**
     * Opens split {@code split} of the data {@code spec} names, read as {@code options} say.
     *
     * @throws UserInputException naming {@code spec} when no format reads it, or naming the file at fault
     */
    public static DataSource open(String spec, Split split, ReadOptions options) {
        int query = spec.indexOf('?');
        if (query >= 0) {
            return open(spec.substring(0, query), split, options.withQuery(spec.substring(query + 1), spec));
        }
        int colon = spec.indexOf(':');
        for (DataSourceFormat format : FORMATS) {
            if (colon > 0 && spec.substring(0, colon).equals(format.name())) {
                return checked(format.open(spec.substring(colon + 1), split, options), spec, split);
            }
        }
        for (DataSourceFormat format : FORMATS) {
            if (format.accepts(spec)) {
                return checked(format.open(spec, split, options), spec, split);
            }
        }
        throw new UserInputException(spec, "not " + choices());
    }

    /** {@code source}, refused when it has no samples or a negative label: nothing could be scored on it. */
    private static DataSource checked(DataSource source, String spec, Split split) {
        if (source.size() == 0) {
            throw new UserInputException(
                    spec, "the " + split.name().toLowerCase(java.util.Locale.ROOT) + " split has no samples");
        }
        if (source.labelled()) {
            int[] labels = source.labels();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0) {
                    throw new UserInputException(
                            spec, "label " + labels[i] + " of sample " + i + " is negative; classes count from 0");
                }
            }
        }
        return source;
    }

    /** What {@link #open} accepts, e.g. {@code fashion-mnist, mnist or a folder of idx files}. */
    public static String choices() {
        List<String> all = FORMATS.stream().map(DataSourceFormat::description).toList();
        if (all.size() == 1) {
            return all.getFirst();
        }
        return String.join(", ", all.subList(0, all.size() - 1)) + " or " + all.getLast();
    }
}
