package org.bitbudget.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.bitbudget.ir.UserInputException;

/**
 * A NumPy {@code .npy} file (float16, float32, float64, uint8, int8, int16, int32 or int64, any shape,
 * C order; the first axis counts the samples): unlabelled samples, memory-mapped so that an array
 * larger than the heap is read one batch at a time. Unsigned bytes become {@code byte / 255} as every
 * 8-bit source does; other types keep their values. There is one set of samples: both splits are the
 * whole file.
 */
final class NpyFormat implements DataSourceFormat {
    @Override
    public String name() {
        return "npy";
    }

    @Override
    public String description() {
        return "a .npy file";
    }

    @Override
    public boolean accepts(String spec) {
        try {
            return spec.toLowerCase(Locale.ROOT).endsWith(".npy") && Files.isRegularFile(Path.of(spec));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    @Override
    public DataSource open(String spec, Split split) {
        Path file = Path.of(spec);
        MemorySegment bytes = map(file, spec);
        NpyArray array = NpyArray.parse(bytes, file.toString());
        array.samples();
        DataProvenance provenance = new DataProvenance(
                name(), file.toString(), file, List.of(digest(file, spec)), List.of(NumpySamples.conversion(array)));
        return new NumpySamples(provenance, List.of(array), null);
    }

    /** The whole of {@code file}, mapped read-only; the mapping lives until it is no longer reachable. */
    static MemorySegment map(Path file, String spec) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), Arena.ofAuto());
        } catch (IOException e) {
            throw new UserInputException(spec, "cannot read " + file + ": " + e.getMessage());
        }
    }

    static DataProvenance.FileDigest digest(Path file, String spec) {
        try {
            return DataProvenance.DigestingStream.of(file);
        } catch (IOException e) {
            throw new UserInputException(spec, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
