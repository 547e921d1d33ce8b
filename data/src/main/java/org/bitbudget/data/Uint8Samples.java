package org.bitbudget.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.OptionalInt;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Samples stored as unsigned bytes, sample after sample, in a memory segment (a heap array or a
 * memory-mapped file), read as {@code byte / 255} and then normalised: the source behind idx files
 * and any other 8-bit format.
 */
final class Uint8Samples implements DataSource {
    /** The preprocessing step every 8-bit source records. */
    static final String SCALING = "uint8 / 255";

    private final DataProvenance provenance;
    private final Shape sampleShape;
    private final int count;
    private final MemorySegment bytes;
    private final int[] labels;
    private final int classes;

    /**
     * @param bytes  {@code count * sampleShape.size()} bytes
     * @param labels one class per sample, or null when the data have none
     */
    Uint8Samples(DataProvenance provenance, Shape sampleShape, int count, MemorySegment bytes, int[] labels) {
        this.provenance = Objects.requireNonNull(provenance, "provenance");
        this.sampleShape = Objects.requireNonNull(sampleShape, "sampleShape");
        this.count = count;
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        if (bytes.byteSize() != (long) count * sampleShape.size()) {
            throw new IllegalArgumentException(
                    count + " samples of " + sampleShape + " but " + bytes.byteSize() + " bytes");
        }
        if (labels != null && labels.length != count) {
            throw new IllegalArgumentException(labels.length + " labels for " + count + " samples");
        }
        int max = -1;
        if (labels != null) {
            for (int l : labels) {
                max = Math.max(max, l);
            }
        }
        this.labels = labels == null ? null : labels.clone();
        this.classes = max + 1;
    }

    @Override
    public Shape sampleShape() {
        return sampleShape;
    }

    @Override
    public DataType storedType() {
        return DataType.UINT8;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public boolean labelled() {
        return labels != null;
    }

    @Override
    public int[] labels() {
        if (labels == null) {
            throw new UserInputException(provenance.name(), "has no labels");
        }
        return labels.clone();
    }

    @Override
    public OptionalInt classes() {
        return labels == null ? OptionalInt.empty() : OptionalInt.of(classes);
    }

    @Override
    public DataProvenance provenance() {
        return provenance;
    }

    @Override
    public Tensor batch(int from, int n, Normalization norm) {
        Objects.checkFromIndexSize(from, n, count);
        int per = sampleShape.size();
        byte[] raw = new byte[n * per];
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, (long) from * per, raw, 0, raw.length);
        float[] out = new float[raw.length];
        convert(raw, tables(norm), out, 0);
        return Tensor.of(batchShape(n), out);
    }

    /** The same as the default, with the tables built once for all samples. */
    @Override
    public Tensor gather(int[] indices, Normalization norm) {
        float[][] tables = tables(norm);
        int per = sampleShape.size();
        byte[] raw = new byte[per];
        float[] out = new float[indices.length * per];
        for (int i = 0; i < indices.length; i++) {
            Objects.checkIndex(indices[i], count);
            MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, (long) indices[i] * per, raw, 0, per);
            convert(raw, tables, out, i * per);
        }
        return Tensor.of(batchShape(indices.length), out);
    }

    /** Per channel, byte to normalised value: {@code (byte / 255f - mean) / std}, as the 8-bit paths always did. */
    private float[][] tables(Normalization norm) {
        int channels = channels();
        norm.check(channels, provenance.name());
        float[][] tables = new float[channels][256];
        for (int c = 0; c < channels; c++) {
            for (int b = 0; b < 256; b++) {
                tables[c][b] = norm.apply(c, b / 255f);
            }
        }
        return tables;
    }

    /** Converts the whole samples in {@code raw} into {@code out} from {@code at}. */
    private void convert(byte[] raw, float[][] tables, float[] out, int at) {
        if (raw.length == 0) {
            return;
        }
        int perChannel = sampleShape.size() / tables.length;
        for (int i = 0, o = at; i < raw.length; ) {
            for (float[] table : tables) {
                for (int k = 0; k < perChannel; k++, i++, o++) {
                    out[o] = table[raw[i] & 0xFF];
                }
            }
        }
    }
}
