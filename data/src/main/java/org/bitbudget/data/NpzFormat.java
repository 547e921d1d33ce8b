package org.bitbudget.data;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.bitbudget.ir.UserInputException;

/**
 * A NumPy {@code .npz} archive ({@code numpy.savez} or {@code savez_compressed}): the inputs are the
 * arrays named by {@link ReadOptions#inputKeys()} ({@code x} by default; one per model input), the
 * labels the array {@link ReadOptions#labelKey()} ({@code y} by default; unlabelled when absent). An
 * array stored uncompressed is mapped where it lies inside the archive; a compressed one is inflated
 * once into a temporary file, which is then mapped, so neither needs the array's size in heap.
 */
final class NpzFormat implements DataSourceFormat {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Where one member's bytes lie in the archive. */
    private record Member(String name, int method, long compressedSize, long localHeader) {}

    @Override
    public String name() {
        return "npz";
    }

    @Override
    public String description() {
        return "a .npz file";
    }

    @Override
    public boolean accepts(String spec) {
        try {
            return spec.toLowerCase(Locale.ROOT).endsWith(".npz") && Files.isRegularFile(Path.of(spec));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    @Override
    public DataSource open(String spec, Split split) {
        return open(spec, split, ReadOptions.DEFAULT);
    }

    @Override
    public DataSource open(String spec, Split split, ReadOptions options) {
        Path file = Path.of(spec);
        MemorySegment zip = NpyFormat.map(file, spec);
        Map<String, Member> members = members(zip, file.toString());
        List<String> steps = new ArrayList<>();
        List<NpyArray> inputs = new ArrayList<>();
        for (String key : options.inputKeys()) {
            Member m = members.get(key + ".npy");
            if (m == null) {
                throw new UserInputException(
                        file.toString(), "has no array '" + key + "' (arrays: " + keys(members) + ")");
            }
            NpyArray a = array(zip, file, m, key);
            a.samples();
            inputs.add(a);
            steps.add(NumpySamples.conversion(a));
        }
        int[] labels = null;
        Member labelMember = members.get(options.labelKey() + ".npy");
        if (labelMember != null) {
            labels = array(zip, file, labelMember, options.labelKey())
                    .labels(inputs.getFirst().samples());
        } else if (options.labelKeyGiven()) {
            throw new UserInputException(
                    file.toString(), "has no label array '" + options.labelKey() + "' (arrays: " + keys(members) + ")");
        }
        DataProvenance provenance =
                new DataProvenance(name(), file.toString(), file, List.of(NpyFormat.digest(file, spec)), steps);
        return new NumpySamples(provenance, inputs, labels);
    }

    private static String keys(Map<String, Member> members) {
        return String.join(
                ", ",
                members.keySet().stream()
                        .map(n -> n.replaceFirst("\\.npy$", ""))
                        .toList());
    }

    /** The member's array: mapped in place when stored, else inflated to a temporary file first. */
    private static NpyArray array(MemorySegment zip, Path file, Member m, String key) {
        String origin = file + ": " + key;
        long local = m.localHeader();
        if (local + 30 > zip.byteSize() || zip.get(INT, local) != 0x04034b50) {
            throw new UserInputException(origin, "corrupt .npz (no local header for " + m.name() + ")");
        }
        long data = local
                + 30
                + Short.toUnsignedInt(zip.get(SHORT, local + 26))
                + Short.toUnsignedInt(zip.get(SHORT, local + 28));
        if (m.method() == 0) {
            if (data + m.compressedSize() > zip.byteSize()) {
                throw new UserInputException(origin, "corrupt .npz (" + m.name() + " runs past the end)");
            }
            return NpyArray.parse(zip.asSlice(data, m.compressedSize()), origin);
        }
        try (ZipFile z = new ZipFile(file.toFile())) {
            ZipEntry entry = z.getEntry(m.name());
            Path inflated = Files.createTempFile("bitbudget-npz-", ".npy");
            inflated.toFile().deleteOnExit();
            try (InputStream in = z.getInputStream(entry)) {
                Files.copy(in, inflated, StandardCopyOption.REPLACE_EXISTING);
            }
            MemorySegment bytes = NpyFormat.map(inflated, origin);
            Files.delete(inflated);
            return NpyArray.parse(bytes, origin);
        } catch (IOException e) {
            throw new UserInputException(origin, "cannot inflate " + m.name() + ": " + e.getMessage());
        }
    }

    /** The archive's members by name, from its central directory (ZIP64 included, as NumPy writes it). */
    private static Map<String, Member> members(MemorySegment zip, String origin) {
        long size = zip.byteSize();
        long end = -1;
        for (long p = size - 22; p >= Math.max(0, size - 22 - 65_535); p--) {
            if (zip.get(INT, p) == 0x06054b50) {
                end = p;
                break;
            }
        }
        if (end < 0) {
            throw new UserInputException(origin, "not a .npz file (no zip directory)");
        }
        long entries = Short.toUnsignedInt(zip.get(SHORT, end + 10));
        long directory = Integer.toUnsignedLong(zip.get(INT, end + 16));
        if (end >= 20 && zip.get(INT, end - 20) == 0x07064b50) {
            long zip64End = zip.get(LONG, end - 20 + 8);
            if (zip64End < 0 || zip64End + 56 > size || zip.get(INT, zip64End) != 0x06064b50) {
                throw new UserInputException(origin, "corrupt .npz (bad ZIP64 directory)");
            }
            entries = zip.get(LONG, zip64End + 32);
            directory = zip.get(LONG, zip64End + 48);
        }
        Map<String, Member> out = new LinkedHashMap<>();
        long p = directory;
        for (long i = 0; i < entries; i++) {
            if (p < 0 || p + 46 > size || zip.get(INT, p) != 0x02014b50) {
                throw new UserInputException(origin, "corrupt .npz (bad zip directory entry " + i + ")");
            }
            int method = Short.toUnsignedInt(zip.get(SHORT, p + 10));
            long compressed = Integer.toUnsignedLong(zip.get(INT, p + 20));
            long uncompressed = Integer.toUnsignedLong(zip.get(INT, p + 24));
            int nameLength = Short.toUnsignedInt(zip.get(SHORT, p + 28));
            int extraLength = Short.toUnsignedInt(zip.get(SHORT, p + 30));
            int commentLength = Short.toUnsignedInt(zip.get(SHORT, p + 32));
            long local = Integer.toUnsignedLong(zip.get(INT, p + 42));
            String name =
                    new String(zip.asSlice(p + 46, nameLength).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            long extra = p + 46 + nameLength;
            for (long e = extra; e + 4 <= extra + extraLength; ) {
                int id = Short.toUnsignedInt(zip.get(SHORT, e));
                int length = Short.toUnsignedInt(zip.get(SHORT, e + 2));
                if (id == 0x0001) {
                    // ZIP64 sizes and offset appear only for the fields saturated at 0xFFFFFFFF, in this order.
                    long f = e + 4;
                    if (uncompressed == 0xFFFFFFFFL) {
                        f += 8;
                    }
                    if (compressed == 0xFFFFFFFFL) {
                        compressed = zip.get(LONG, f);
                        f += 8;
                    }
                    if (local == 0xFFFFFFFFL) {
                        local = zip.get(LONG, f);
                    }
                }
                e += 4 + length;
            }
            if (method != 0 && method != 8) {
                throw new UserInputException(
                        origin, name + " is stored with zip method " + method + ", not stored or deflated");
            }
            out.put(name, new Member(name, method, compressed, local));
            p = extra + extraLength + commentLength;
        }
        return out;
    }
}
