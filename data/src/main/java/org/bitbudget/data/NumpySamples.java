package org.bitbudget.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Samples read from NumPy arrays, one array per model input (the first axis counts the samples), with
 * optional labels: the source behind {@code .npy} and {@code .npz}. Batches are read from the arrays'
 * segments on demand, so a memory-mapped array larger than the heap costs one batch of heap at a time.
 */
final class NumpySamples implements DataSource {
    private final DataProvenance provenance;
    private final List<NpyArray> arrays;
    private final Shape sampleShape;
    private final int count;
    private final int[] labels;
    private final int classes;

    /**
     * @param arrays one per model input, all with the same number of samples; this source reads the first
     * @param labels one class per sample, or null when the data have none
     */
    NumpySamples(DataProvenance provenance, List<NpyArray> arrays, int[] labels) {
        this.provenance = Objects.requireNonNull(provenance, "provenance");
        this.arrays = List.copyOf(arrays);
        NpyArray first = this.arrays.getFirst();
        this.count = first.samples();
        this.sampleShape = Shape.of(first.sampleDims());
        for (NpyArray a : this.arrays) {
            if (a.samples() != count) {
                throw new UserInputException(
                        a.origin(), a.samples() + " samples but " + first.origin() + " has " + count);
            }
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

    /** The provenance step that says how an array's values became floats. */
    static String conversion(NpyArray a) {
        return switch (a.type()) {
            case UINT8 -> a.origin() + ": " + Uint8Samples.SCALING;
            case FLOAT32 -> a.origin() + ": float32 as stored";
            default -> a.origin() + ": " + a.type().numpyName() + " to float32";
        };
    }

    @Override
    public Shape sampleShape() {
        return sampleShape;
    }

    @Override
    public DataType storedType() {
        return switch (arrays.getFirst().type()) {
            case UINT8 -> DataType.UINT8;
            case INT8 -> DataType.INT8;
            case INT16, INT32 -> DataType.INT32;
            case INT64 -> DataType.INT64;
            case FLOAT16, FLOAT32 -> DataType.FLOAT;
            case FLOAT64 -> DataType.DOUBLE;
        };
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
        norm.check(channels(), provenance.name());
        int per = sampleShape.size();
        float[] out = new float[n * per];
        arrays.getFirst().read((long) from * per, out, true);
        norm.applyInPlace(out, sampleShape, 0);
        return Tensor.of(batchShape(n), out);
    }

    /** The same as the default, checking the normalisation once for all samples. */
    @Override
    public Tensor gather(int[] indices, Normalization norm) {
        norm.check(channels(), provenance.name());
        int per = sampleShape.size();
        float[] out = new float[indices.length * per];
        float[] one = new float[per];
        for (int i = 0; i < indices.length; i++) {
            Objects.checkIndex(indices[i], count);
            arrays.getFirst().read((long) indices[i] * per, one, true);
            System.arraycopy(one, 0, out, i * per, per);
        }
        norm.applyInPlace(out, sampleShape, 0);
        return Tensor.of(batchShape(indices.length), out);
    }

    /** A source per array when there are several; the labels and provenance are shared. */
    @Override
    public List<DataSource> inputs() {
        if (arrays.size() == 1) {
            return List.of(this);
        }
        List<DataSource> out = new ArrayList<>();
        for (NpyArray a : arrays) {
            out.add(new NumpySamples(provenance, List.of(a), labels));
        }
        return out;
    }
}
