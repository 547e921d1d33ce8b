package org.bitbudget.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.testsupport.NumpyFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads back the {@code .npy} and {@code .npz} files NumPy wrote ({@code make_numpy_files.py}): every
 * element type against the formula that made it (uint8 and float16 bit for bit, float16 against
 * NumPy's own conversion to float32), both byte orders and header versions, stored and compressed
 * archives, labels and a two-input archive, and the errors for Fortran order and missing keys.
 */
class NumpyFormatTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void write() throws IOException, InterruptedException {
        NumpyFiles.write(dir);
    }

    private static DataSource open(String name) {
        return DataSources.open(dir.resolve(name).toString(), Split.TEST);
    }

    private static float[] all(DataSource s) {
        return s.batch(0, s.size(), Normalization.NONE).data();
    }

    @Test
    void float32IsReadAsStoredInEitherByteOrderAndHeaderVersion() throws IOException {
        for (String name : List.of("float32.npy", "big-endian.npy", "version2.npy")) {
            DataSource s = open(name);
            assertEquals(7, s.size(), name);
            assertEquals(Shape.of(2, 3), s.sampleShape(), name);
            assertFalse(s.labelled(), name);
            float[] v = all(s);
            for (int i = 0; i < v.length; i++) {
                assertEquals(i * 0.25f - 3, v[i], 0f, name + " value " + i);
            }
        }
        DataSource s = open("float32.npy");
        assertEquals("npy", s.provenance().kind());
        assertEquals(
                List.of(new DataProvenance.FileDigest(
                        dir.resolve("float32.npy"), IdxReaderTest.sha256(dir.resolve("float32.npy")))),
                s.provenance().files());
        assertArrayEquals(
                new float[] {(18 * 0.25f - 3 - 3) / 2f, (19 * 0.25f - 3 - 3) / 2f},
                Arrays.copyOf(s.batch(3, 2, new Normalization(3f, 2f)).data(), 2));
    }

    @Test
    void float16IsBitExactAndEqualsNumpysOwnConversion() {
        float[] half = all(open("float16.npy"));
        float[] reference = all(open("float16-as-float32.npy"));
        assertEquals(65_536, half.length);
        for (int i = 0; i < half.length; i++) {
            if (Float.isNaN(reference[i])) {
                assertTrue(Float.isNaN(half[i]), "pattern " + i);
            } else {
                assertEquals(Float.floatToRawIntBits(reference[i]), Float.floatToRawIntBits(half[i]), "pattern " + i);
                assertEquals((short) i, Float.floatToFloat16(half[i]), "pattern " + i + " round trip");
            }
        }
    }

    @Test
    void integerTypesKeepTheirValuesAndBytesScaleLikeIdx() {
        DataSource bytes = open("uint8.npy");
        assertEquals(Shape.of(4, 4), bytes.sampleShape());
        float[] u = all(bytes);
        for (int b = 0; b < 256; b++) {
            assertEquals(Float.floatToRawIntBits(b / 255f), Float.floatToRawIntBits(u[b]), "byte " + b);
        }
        assertEquals(
                List.of(dir.resolve("uint8.npy") + ": uint8 / 255"),
                bytes.provenance().preprocessing());
        float[] s = all(open("int8.npy"));
        for (int i = 0; i < 256; i++) {
            assertEquals(i - 128, s[i], 0f);
        }
        float[] l = all(open("int64.npy"));
        for (int i = 0; i < l.length; i++) {
            assertEquals(i * 1000 - 7, l[i], 0f);
        }
        float[] d = all(open("float64.npy"));
        for (int i = 0; i < d.length; i++) {
            assertEquals((float) (i / 3.0), d[i], 0f);
        }
    }

    @Test
    void storedAndCompressedArchivesGiveTheSameSamplesAndLabels() {
        for (String name : List.of("stored.npz", "compressed.npz")) {
            DataSource s = open(name);
            assertEquals(Shape.of(2, 3), s.sampleShape(), name);
            assertArrayEquals(new int[] {3, 0, 1, 2, 3, 1, 0}, s.labels(), name);
            assertEquals(OptionalInt.of(4), s.classes(), name);
            float[] v = all(s);
            for (int i = 0; i < v.length; i++) {
                assertEquals(i * 0.5f, v[i], 0f, name);
            }
            Tensor picked = s.gather(new int[] {6, 1}, Normalization.NONE);
            assertEquals(18f, picked.data()[0], 0f, name);
            assertEquals(3f, picked.data()[6], 0f, name);
            Normalization norm = new Normalization(1f, 4f);
            assertArrayEquals(
                    s.batch(6, 1, norm).data(),
                    Arrays.copyOf(s.gather(new int[] {6, 1}, norm).data(), 6),
                    name);
            assertEquals(3, s.limit(3).labels().length);
        }
    }

    @Test
    void namedKeysFeedOneArrayPerInput() {
        ReadOptions keys =
                ReadOptions.DEFAULT.withInputKeys(List.of("image", "features")).withLabelKey("label");
        DataSource s = DataSources.open(dir.resolve("two-inputs.npz").toString(), Split.TEST, keys);
        List<DataSource> inputs = s.inputs();
        assertEquals(2, inputs.size());
        assertEquals(Shape.of(2, 3), inputs.get(0).sampleShape());
        assertEquals(Shape.of(3), inputs.get(1).sampleShape());
        assertArrayEquals(new int[] {3, 0, 1, 2, 3, 1, 0}, inputs.get(1).labels());
        float[] features = all(inputs.get(1));
        for (int i = 0; i < 7; i++) {
            for (int k = 0; k < 3; k++) {
                assertEquals((i * 6 + k) * 2f, features[i * 3 + k], 0f);
            }
        }
        List<DataSource> firstTwo = s.limit(2).inputs();
        assertEquals(2, firstTwo.get(1).size());
        assertArrayEquals(Arrays.copyOf(features, 6), all(firstTwo.get(1)));

        UserInputException missing = assertThrows(UserInputException.class, () -> open("two-inputs.npz"));
        assertEquals(
                dir.resolve("two-inputs.npz") + ": has no array 'x' (arrays: image, features, label)",
                missing.getMessage());
        UserInputException noLabels = assertThrows(
                UserInputException.class,
                () -> DataSources.open(
                        dir.resolve("stored.npz").toString(), Split.TEST, ReadOptions.DEFAULT.withLabelKey("labels")));
        assertEquals(dir.resolve("stored.npz") + ": has no label array 'labels' (arrays: x, y)", noLabels.getMessage());
    }

    @Test
    void fortranOrderAndMalformedFilesAreRefusedNamingTheFile() throws IOException {
        UserInputException fortran = assertThrows(UserInputException.class, () -> open("fortran.npy"));
        assertEquals(
                dir.resolve("fortran.npy") + ": is stored in Fortran order; save it in C order "
                        + "(numpy.ascontiguousarray) to read it in batches",
                fortran.getMessage());
        byte[] whole = Files.readAllBytes(dir.resolve("float32.npy"));
        Path truncated = Files.write(dir.resolve("truncated.npy"), Arrays.copyOf(whole, whole.length - 4));
        UserInputException e = assertThrows(UserInputException.class, () -> open("truncated.npy"));
        assertEquals(
                truncated + ": truncated: shape [7, 2, 3] of float32 needs 168 bytes of values, the file holds 164",
                e.getMessage());
        Files.writeString(dir.resolve("text.npy"), "not numpy");
        assertEquals(
                dir.resolve("text.npy") + ": not a NumPy .npy array (no \\x93NUMPY magic)",
                assertThrows(UserInputException.class, () -> open("text.npy")).getMessage());
    }
}
