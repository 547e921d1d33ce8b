package org.bitbudget.data;

/**
 * One way of storing data on disk (idx files, NumPy arrays, an image folder, …): recognises the
 * names and paths it reads and opens them as a {@link DataSource}. {@link DataSources} keeps the
 * registered formats and asks them in order.
 */
public interface DataSourceFormat {
    /** The name that selects this format ({@code idx:PATH}) and that provenance records as its kind. */
    String name();

    /** What this format accepts, for the message listing the choices, e.g. {@code a folder of idx files}. */
    String description();

    /** True when {@code spec} (a data set name or a path) is data of this format; reads no samples. */
    boolean accepts(String spec);

    /**
     * Opens split {@code split} of the data {@code spec} names.
     *
     * @throws org.bitbudget.ir.UserInputException naming {@code spec} or the file at fault when the
     *                                                 data are missing, unreadable or malformed
     */
    DataSource open(String spec, Split split);

    /**
     * Opens split {@code split} of the data {@code spec} names, read as {@code options} say (which
     * arrays, which preprocessing); a format with nothing to choose opens as {@link #open(String, Split)}.
     */
    default DataSource open(String spec, Split split, ReadOptions options) {
        return open(spec, split);
    }
}
