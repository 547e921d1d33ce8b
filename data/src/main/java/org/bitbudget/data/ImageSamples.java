package org.bitbudget.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Pictures in files, decoded and preprocessed when a batch asks for them, so that a folder larger than
 * the heap costs one batch at a time. Every picture must come out of the preprocessing with the shape of
 * the first.
 */
final class ImageSamples implements DataSource {
    private final DataProvenance provenance;
    private final List<Path> files;
    private final int[] labels;
    private final int classes;
    private final Preprocessing preprocessing;
    private final Shape sampleShape;

    /** @param labels one class per file, or null when the folder has none */
    ImageSamples(DataProvenance provenance, List<Path> files, int[] labels, int classes, Preprocessing preprocessing) {
        this.provenance = Objects.requireNonNull(provenance, "provenance");
        this.files = List.copyOf(files);
        this.labels = labels == null ? null : labels.clone();
        this.classes = classes;
        this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
        Picture first = picture(0);
        int c = first.planes().length;
        this.sampleShape = preprocessing.layout() == Preprocessing.Layout.NCHW
                ? Shape.of(c, first.height(), first.width())
                : Shape.of(first.height(), first.width(), c);
    }

    private Picture picture(int index) {
        Path file = files.get(index);
        Picture p = Picture.read(file).color(preprocessing.color()).resize(preprocessing.resize());
        int[] crop = preprocessing.crop();
        return crop == null ? p : p.crop(crop[0], crop[1], file);
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
        return files.size();
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
    public int channelAxis() {
        return preprocessing.layout() == Preprocessing.Layout.NCHW ? 0 : 2;
    }

    @Override
    public Optional<Normalization> declaredNormalization() {
        return Optional.ofNullable(preprocessing.normalization());
    }

    @Override
    public Tensor batch(int from, int n, Normalization norm) {
        Objects.checkFromIndexSize(from, n, files.size());
        int[] indices = new int[n];
        Arrays.setAll(indices, i -> from + i);
        return gather(indices, norm);
    }

    @Override
    public Tensor gather(int[] indices, Normalization norm) {
        norm.check(channels(), provenance.name());
        int per = sampleShape.size();
        float[] out = new float[indices.length * per];
        for (int i = 0; i < indices.length; i++) {
            Picture p = picture(indices[i]);
            if (p.height() != sampleShape.dim(channelAxis() == 0 ? 1 : 0)
                    || p.width() != sampleShape.dim(channelAxis() == 0 ? 2 : 1)) {
                throw new UserInputException(
                        files.get(indices[i]).toString(),
                        "is " + p.height() + "x" + p.width() + " after preprocessing but " + files.getFirst() + " is "
                                + sampleShape + "; resize or crop them to one size");
            }
            p.write(preprocessing.scale(), preprocessing.layout(), out, i * per);
        }
        norm.applyInPlace(out, sampleShape, channelAxis());
        return Tensor.of(batchShape(indices.length), out);
    }
}
