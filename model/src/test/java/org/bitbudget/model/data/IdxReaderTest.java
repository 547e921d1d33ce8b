package org.bitbudget.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.bitbudget.model.UserInputException;
import org.bitbudget.model.tensor.Shape;
import org.bitbudget.model.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks {@link IdxReader} and {@link DataSources}: idx files the test writes, raw and gzip-compressed,
 * read back exactly (dimensions, unsigned bytes, labels); a folder of them loaded by
 * {@link DataSources#load}; the installed Fashion-MNIST (60,000 training and 10,000 test images of
 * 28x28, labels 0..9 with 6,000 and 1,000 of each class, test labels starting 9 2 1 1 6 1 4 6 5 7);
 * and a one-line {@link UserInputException} naming the file for a wrong magic number, a truncated
 * header, a truncated payload (raw and gzip), an empty file, and labels that do not match the images.
 */
class IdxReaderTest {
    /** Three 2x4 images; 128, 200 and 255 check that pixels are read unsigned. */
    private static final byte[] PIXELS = {
        0, 1, 2, 3, 4, 5, 6, 7,
        8, 9, 10, 11, 12, 13, 14, 15,
        (byte) 128, (byte) 200, (byte) 255, 16, 17, 18, 19, 20};
    private static final byte[] LABELS = {7, 0, 9};

    @TempDir
    Path dir;

    @Test
    void readsRawIdxExactly() throws IOException {
        Path file = write("images-idx3-ubyte", idx(0x0803, new int[] {3, 2, 4}, PIXELS));
        IdxReader.IdxArray array = IdxReader.read(file);
        assertArrayEquals(new int[] {3, 2, 4}, array.dims());
        assertArrayEquals(PIXELS, array.data());
    }

    @Test
    void readsGzipIdxExactly() throws IOException {
        Path file = write("images-idx3-ubyte.gz", gzip(idx(0x0803, new int[] {3, 2, 4}, PIXELS)));
        IdxReader.IdxArray array = IdxReader.read(file);
        assertArrayEquals(new int[] {3, 2, 4}, array.dims());
        assertArrayEquals(PIXELS, array.data());
    }

    @Test
    void readsImagesAndLabelsIntoADataset() throws IOException {
        Path images = write("images-idx3-ubyte", idx(0x0803, new int[] {3, 2, 4}, PIXELS));
        Path labels = write("labels-idx1-ubyte.gz", gzip(idx(0x0801, new int[] {3}, LABELS)));
        Dataset d = IdxReader.read(images, labels, "tiny");

        assertEquals("tiny", d.name());
        assertEquals(3, d.size());
        assertEquals(2, d.rows());
        assertEquals(4, d.cols());
        assertArrayEquals(new int[] {7, 0, 9}, d.labels());
        assertEquals(10, d.classes());
        Tensor last = d.images(2, 1, Normalization.NONE);
        assertEquals(Shape.of(1, 1, 2, 4), last.shape());
        assertEquals(128 / 255f, last.data()[0]);
        assertEquals(255 / 255f, last.data()[2]);
        assertEquals(20 / 255f, last.data()[7]);
    }

    @Test
    void loadsAFolderOfIdxFiles() throws IOException {
        write("t10k-images-idx3-ubyte.gz", gzip(idx(0x0803, new int[] {3, 2, 4}, PIXELS)));
        write("t10k-labels-idx1-ubyte", idx(0x0801, new int[] {3}, LABELS));
        Dataset d = DataSources.load(dir.toString(), Split.TEST);
        assertEquals(dir + ":test", d.name());
        assertArrayEquals(PIXELS, d.pixels());
        assertArrayEquals(new int[] {7, 0, 9}, d.labels());

        UserInputException e = assertThrows(UserInputException.class, () -> DataSources.load(dir.toString(),
                Split.TRAIN));
        assertOneLine(e, "--data " + dir, "no train-images-idx?-ubyte[.gz] file in " + dir);
    }

    @Test
    void readsTheInstalledFashionMnist() {
        Dataset train = DataSources.load("fashion-mnist", Split.TRAIN);
        Dataset test = DataSources.load("fashion-mnist", Split.TEST);

        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        for (Dataset d : new Dataset[] {train, test}) {
            assertEquals(28, d.rows());
            assertEquals(28, d.cols());
            assertEquals(d.size() * 28 * 28, d.pixels().length);
            assertEquals(10, d.classes());
            int[] perClass = new int[10];
            for (int label : d.labels()) {
                perClass[label]++;
            }
            int[] balanced = new int[10];
            Arrays.fill(balanced, d.size() / 10);
            assertArrayEquals(balanced, perClass, d.name() + ": images per class");
        }
        assertEquals("fashion-mnist:train", train.name());
        assertEquals("fashion-mnist:test", test.name());
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, Arrays.copyOf(test.labels(), 10));
    }

    @Test
    void wrongMagicIsRefused() throws IOException {
        // 0x0D: an idx file of floats, which Fashion-MNIST never uses
        Path file = write("floats-idx3-ubyte", idx(0x0D03, new int[] {3, 2, 4}, new byte[96]));
        assertOneLine(assertThrows(UserInputException.class, () -> IdxReader.read(file)), file.toString(),
                "not an unsigned-byte idx file (magic 0x00000d03, expected 0x000008NN)");
    }

    @Test
    void truncatedHeaderIsRefused() throws IOException {
        Path file = write("short-idx3-ubyte", Arrays.copyOf(idx(0x0803, new int[] {3, 2, 4}, PIXELS), 10));
        assertOneLine(assertThrows(UserInputException.class, () -> IdxReader.read(file)), file.toString(),
                "truncated idx file");
    }

    @Test
    void truncatedPayloadIsRefused() throws IOException {
        Path file = write("short-idx3-ubyte", Arrays.copyOf(idx(0x0803, new int[] {3, 2, 4}, PIXELS), 16 + 20));
        assertOneLine(assertThrows(UserInputException.class, () -> IdxReader.read(file)), file.toString(),
                "truncated idx file");
    }

    @Test
    void truncatedGzipIsRefused() throws IOException {
        byte[] whole = gzip(idx(0x0803, new int[] {3, 2, 4}, PIXELS));
        Path file = write("short-idx3-ubyte.gz", Arrays.copyOf(whole, whole.length / 2));
        assertOneLine(assertThrows(UserInputException.class, () -> IdxReader.read(file)), file.toString(),
                "truncated idx file");
    }

    @Test
    void emptyFileIsRefused() throws IOException {
        Path file = write("empty-idx3-ubyte", new byte[0]);
        assertOneLine(assertThrows(UserInputException.class, () -> IdxReader.read(file)), file.toString(),
                "truncated idx file");
    }

    @Test
    void labelsThatDoNotMatchTheImagesAreRefused() throws IOException {
        Path images = write("images-idx3-ubyte", idx(0x0803, new int[] {3, 2, 4}, PIXELS));
        Path labels = write("labels-idx1-ubyte", idx(0x0801, new int[] {2}, new byte[] {1, 2}));
        assertOneLine(assertThrows(UserInputException.class, () -> IdxReader.read(images, labels, "tiny")),
                labels.toString(), "holds [2] labels for 3 images in images-idx3-ubyte");
    }

    private static void assertOneLine(UserInputException e, String source, String says) {
        String message = e.getMessage();
        assertFalse(message.contains("\n") || message.contains("\r"), message);
        assertEquals(source + ": " + says, message);
    }

    /** An idx file: big-endian magic, dimensions, then the bytes. */
    private static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer buf = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        buf.putInt(magic);
        for (int d : dims) {
            buf.putInt(d);
        }
        return buf.put(data).array();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }
}
