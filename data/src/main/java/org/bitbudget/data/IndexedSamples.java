package org.bitbudget.data;

import java.util.Objects;
import java.util.OptionalInt;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/** The samples of another source at fixed indices, in that order: one side of a {@link DataSets#split}. */
record IndexedSamples(DataSource source, int[] indices, String step) implements DataSource {
    IndexedSamples {
        Objects.requireNonNull(source, "source");
        indices = indices.clone();
        for (int i : indices) {
            Objects.checkIndex(i, source.size());
        }
    }

    @Override
    public Shape sampleShape() {
        return source.sampleShape();
    }

    @Override
    public DataType storedType() {
        return source.storedType();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public boolean labelled() {
        return source.labelled();
    }

    @Override
    public int[] labels() {
        int[] all = source.labels();
        int[] out = new int[indices.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = all[indices[i]];
        }
        return out;
    }

    @Override
    public OptionalInt classes() {
        return source.classes();
    }

    @Override
    public DataProvenance provenance() {
        return source.provenance().then(step);
    }

    @Override
    public Tensor batch(int from, int count, Normalization norm) {
        Objects.checkFromIndexSize(from, count, indices.length);
        int[] part = new int[count];
        System.arraycopy(indices, from, part, 0, count);
        return source.gather(part, norm);
    }
}
