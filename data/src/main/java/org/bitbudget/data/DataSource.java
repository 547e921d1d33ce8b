package org.bitbudget.data;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Input samples for a model: a fixed number of samples of one shape, read in batches as float32
 * tensors, with a class label per sample when the data have labels, and the provenance of the data.
 *
 * <p>Every read is random access ({@link #batch}), so an implementation may hold its samples on the
 * heap or read them on demand, e.g. from a memory-mapped file that is larger than the heap. A batch
 * holds the stored values as floats (8-bit unsigned data scaled to [0, 1], as the source's provenance
 * says), normalised per channel; the channel is axis 0 of a sample (NCHW batches).
 *
 * <p>{@link DataSources#open} opens one by name or path through the registered {@link DataSourceFormat}s.
 */
public interface DataSource {
    /** The shape of one sample, e.g. {@code [1, 28, 28]} for a grey 28x28 image. */
    Shape sampleShape();

    /** The element type the samples are stored in, before they become floats. */
    DataType storedType();

    /** Number of samples. */
    int size();

    /** True when every sample has a class label. */
    boolean labelled();

    /**
     * The class of every sample (a copy).
     *
     * @throws org.bitbudget.ir.UserInputException naming the source when it has no labels
     */
    int[] labels();

    /**
     * Number of classes: as the data declare it, else one more than the largest label; empty when
     * the source has no labels.
     */
    OptionalInt classes();

    /** Where the samples come from and how they were preprocessed. */
    DataProvenance provenance();

    /**
     * Samples {@code [from, from + count)} as a float tensor of shape {@code [count, sampleShape...]},
     * normalised by {@code norm}.
     *
     * @throws org.bitbudget.ir.UserInputException when {@code norm} has neither one channel nor
     *                                                 as many as a sample
     */
    Tensor batch(int from, int count, Normalization norm);

    /** The samples at {@code indices}, in that order, as one batch normalised by {@code norm}. */
    default Tensor gather(int[] indices, Normalization norm) {
        int per = sampleShape().size();
        float[] out = new float[indices.length * per];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(batch(indices[i], 1, norm).data(), 0, out, i * per, per);
        }
        return Tensor.of(batchShape(indices.length), out);
    }

    /** The first {@code count} samples (this source itself when it has no more). */
    default DataSource limit(int count) {
        return count >= size() ? this : new FirstSamples(this, count);
    }

    /** How reports name this source, e.g. {@code fashion-mnist:test}. */
    default String name() {
        return provenance().name();
    }

    /** The number of channels of a sample: its size along {@link #channelAxis()} (1 for a scalar sample). */
    default int channels() {
        return sampleShape().rank() == 0 ? 1 : sampleShape().dim(channelAxis());
    }

    /** The axis of a sample that holds its channels: 0 (NCHW batches), or the last for NHWC images. */
    default int channelAxis() {
        return 0;
    }

    /**
     * One source per model input, in the model's input order, each with this source's size and labels:
     * a multi-input model's arrays (a {@code .npz} with several input keys). A source that feeds one input
     * is its own only input.
     */
    default List<DataSource> inputs() {
        return List.of(this);
    }

    /**
     * The normalisation the data themselves declare (an image folder's preprocessing file), which a
     * user's explicit choice overrides; empty for most data.
     */
    default Optional<Normalization> declaredNormalization() {
        return Optional.empty();
    }

    /** The shape of a batch of {@code count} samples: {@code [count, sampleShape...]}. */
    default Shape batchShape(int count) {
        int[] sample = sampleShape().dims();
        int[] dims = new int[sample.length + 1];
        dims[0] = count;
        System.arraycopy(sample, 0, dims, 1, sample.length);
        return Shape.of(dims);
    }
}
