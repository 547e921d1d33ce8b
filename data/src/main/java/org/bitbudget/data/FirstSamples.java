package org.bitbudget.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/** The first {@code count} samples of another source, as {@link DataSource#limit} gives them. */
record FirstSamples(DataSource source, int count) implements DataSource {
    FirstSamples {
        Objects.requireNonNull(source, "source");
        if (count < 0 || count > source.size()) {
            throw new IllegalArgumentException("cannot take " + count + " of " + source.size() + " samples");
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
        return count;
    }

    @Override
    public boolean labelled() {
        return source.labelled();
    }

    @Override
    public int[] labels() {
        return Arrays.copyOf(source.labels(), count);
    }

    /** The classes of the whole source: a prefix need not show every class, the data still have them. */
    @Override
    public OptionalInt classes() {
        return source.classes();
    }

    @Override
    public DataProvenance provenance() {
        return source.provenance().then("first " + count + " samples");
    }

    @Override
    public Tensor batch(int from, int n, Normalization norm) {
        Objects.checkFromIndexSize(from, n, count);
        return source.batch(from, n, norm);
    }

    /** The first samples of each of the source's inputs. */
    @Override
    public List<DataSource> inputs() {
        List<DataSource> all = source.inputs();
        if (all.size() == 1) {
            return List.of(this);
        }
        return all.stream().map(s -> (DataSource) new FirstSamples(s, count)).toList();
    }

    @Override
    public int channelAxis() {
        return source.channelAxis();
    }

    @Override
    public Optional<Normalization> declaredNormalization() {
        return source.declaredNormalization();
    }

    @Override
    public DataSource limit(int n) {
        return n >= count ? this : new FirstSamples(source, n);
    }
}
