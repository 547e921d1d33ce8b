package org.bitbudget.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.zip.GZIPOutputStream;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks {@link IdxReader} and {@link DataSources}: idx files the test writes, raw and gzip-compressed,
 * read back exactly (dimensions, unsigned bytes, labels, provenance with each file's SHA-256); a folder
 * of them opened by {@link DataSources#open}, by content or as {@code idx:DIR}; the installed
 * Fashion-MNIST (60,000 training and 10,000 test images of [1, 28, 28], labels 0..9 with 6,000 and
 * 1,000 of each class, test labels starting 9 2 1 1 6 1 4 6 5 7, the SHA-256 of both files); and a
 * one-line {@link UserInputException} naming the data or the file for data no format reads, a missing
 * split, a wrong magic number, a truncated header, a truncated payload (raw and gzip), an empty file,
 * and labels that do not match the images.
 */
class IdxReaderTest {
    /** Three 2x4 images; 128, 200 and 255 check that pixels are read unsigned. */
    private static final byte[] PIXELS = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) 128, (byte) 200, (byte) 255, 16, 17, 18, 19, 20
    };

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
    void readsImagesAndLabelsIntoASource() throws IOException {
        Path images = write("images-idx3-ubyte", idx(0x0803, new int[] {3, 2, 4}, PIXELS));
        Path labels = write("labels-idx1-ubyte.gz", gzip(idx(0x0801, new int[] {3}, LABELS)));
        DataSource d = IdxReader.read(images, labels, "tiny");

        assertEquals("tiny", d.name());
        assertEquals(3, d.size());
        assertEquals(Shape.of(1, 2, 4), d.sampleShape());
        assertEquals(DataType.UINT8, d.storedType());
        assertTrue(d.labelled());
        assertArrayEquals(new int[] {7, 0, 9}, d.labels());
        assertEquals(OptionalInt.of(10), d.classes());
        Tensor last = d.batch(2, 1, Normalization.NONE);
        assertEquals(Shape.of(1, 1, 2, 4), last.shape());
        assertEquals(128 / 255f, last.data()[0]);
        assertEquals(255 / 255f, last.data()[2]);
        assertEquals(20 / 255f, last.data()[7]);

        DataProvenance p = d.provenance();
        assertEquals("idx", p.kind());
        assertEquals(dir.toAbsolutePath(), p.location());
        assertEquals(
                List.of(
                        new DataProvenance.FileDigest(images, sha256(images)),
                        new DataProvenance.FileDigest(labels, sha256(labels))),
                p.files());
        assertEquals(List.of("uint8 / 255"), p.preprocessing());
    }

    @Test
    void loadsAFolderOfIdxFiles() throws IOException {
        write("t10k-images-idx3-ubyte.gz", gzip(idx(0x0803, new int[] {3, 2, 4}, PIXELS)));
        write("t10k-labels-idx1-ubyte", idx(0x0801, new int[] {3}, LABELS));
        DataSource d = DataSources.open(dir.toString(), Split.TEST);
        assertEquals(dir + ":test", d.name());
        float[] values = d.batch(0, 3, Normalization.NONE).data();
        for (int i = 0; i < PIXELS.length; i++) {
            assertEquals((PIXELS[i] & 0xFF) / 255f, values[i], "value " + i);
        }
        assertArrayEquals(new int[] {7, 0, 9}, d.labels());
        // The format named explicitly reads the same data.
        DataSource named = DataSources.open("idx:" + dir, Split.TEST);
        assertEquals(d.provenance(), named.provenance());
        assertArrayEquals(values, named.batch(0, 3, Normalization.NONE).data());

        UserInputException e =
                assertThrows(UserInputException.class, () -> DataSources.open(dir.toString(), Split.TRAIN));
        assertOneLine(e, dir.toString(), "no train-images-idx?-ubyte[.gz] file in " + dir);
    }

    @Test
    void dataNoFormatReadsAreRefusedNamingThem() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        for (String spec :
                new String[] {empty.toString(), dir.resolve("missing").toString(), "cifar-10"}) {
            assertOneLine(
                    assertThrows(UserInputException.class, () -> DataSources.open(spec, Split.TEST)),
                    spec,
                    "not fashion-mnist, mnist or a folder of idx files, a .npy file, a .npz file or an image folder");
        }
    }

    @Test
    void readsTheInstalledFashionMnist() throws IOException {
        DataSource train = DataSources.open("fashion-mnist", Split.TRAIN);
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);

        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        for (DataSource d : new DataSource[] {train, test}) {
            assertEquals(Shape.of(1, 28, 28), d.sampleShape());
            assertEquals(OptionalInt.of(10), d.classes());
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

        Path images = DataSources.FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz");
        Path labels = DataSources.FASHION_MNIST.resolve("t10k-labels-idx1-ubyte.gz");
        assertEquals(
                List.of(
                        new DataProvenance.FileDigest(images, sha256(images)),
                        new DataProvenance.FileDigest(labels, sha256(labels))),
                test.provenance().files());
        assertEquals(
                new DataProvenance(
                        "idx",
                        "fashion-mnist:test",
                        DataSources.FASHION_MNIST,
                        test.provenance().files(),
                        List.of("uint8 / 255")),
                test.provenance());
    }

    @Test
    void wrongMagicIsRefused() throws IOException {
        // 0x0D: an idx file of floats, which Fashion-MNIST never uses
        Path file = write("floats-idx3-ubyte", idx(0x0D03, new int[] {3, 2, 4}, new byte[96]));
        assertOneLine(
                assertThrows(UserInputException.class, () -> IdxReader.read(file)),
                file.toString(),
                "not an unsigned-byte idx file (magic 0x00000d03, expected 0x000008NN)");
    }

    @Test
    void truncatedHeaderIsRefused() throws IOException {
        Path file = write("short-idx3-ubyte", Arrays.copyOf(idx(0x0803, new int[] {3, 2, 4}, PIXELS), 10));
        assertOneLine(
                assertThrows(UserInputException.class, () -> IdxReader.read(file)),
                file.toString(),
                "truncated idx file");
    }

    @Test
    void truncatedPayloadIsRefused() throws IOException {
        Path file = write("short-idx3-ubyte", Arrays.copyOf(idx(0x0803, new int[] {3, 2, 4}, PIXELS), 16 + 20));
        assertOneLine(
                assertThrows(UserInputException.class, () -> IdxReader.read(file)),
                file.toString(),
                "truncated idx file");
    }

    @Test
    void truncatedGzipIsRefused() throws IOException {
        byte[] whole = gzip(idx(0x0803, new int[] {3, 2, 4}, PIXELS));
        Path file = write("short-idx3-ubyte.gz", Arrays.copyOf(whole, whole.length / 2));
        assertOneLine(
                assertThrows(UserInputException.class, () -> IdxReader.read(file)),
                file.toString(),
                "truncated idx file");
    }

    @Test
    void emptyFileIsRefused() throws IOException {
        Path file = write("empty-idx3-ubyte", new byte[0]);
        assertOneLine(
                assertThrows(UserInputException.class, () -> IdxReader.read(file)),
                file.toString(),
                "truncated idx file");
    }

    @Test
    void labelsThatDoNotMatchTheImagesAreRefused() throws IOException {
        Path images = write("images-idx3-ubyte", idx(0x0803, new int[] {3, 2, 4}, PIXELS));
        Path labels = write("labels-idx1-ubyte", idx(0x0801, new int[] {2}, new byte[] {1, 2}));
        assertOneLine(
                assertThrows(UserInputException.class, () -> IdxReader.read(images, labels, "tiny")),
                labels.toString(),
                "holds [2] labels for 3 images in images-idx3-ubyte");
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

    /** The file's SHA-256 as {@code sha256sum} prints it, computed here independently of the reader. */
    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }
}
