package org.bitbudget.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the {@link DataSource} contract on the installed Fashion-MNIST test split: a folder holding
 * only its images file is an unlabelled source with the same samples, which calibrates but refuses
 * to give labels (naming itself); {@link DataSource#limit} and {@link DataSource#gather} return
 * exactly the samples a batch read returns.
 */
class DataSourceTest {
    private static final Normalization NORM = new Normalization(0.2860f, 0.3530f);
    private static DataSource test;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        test = DataSources.open("fashion-mnist", Split.TEST);
    }

    @Test
    void imagesWithoutLabelsAreAnUnlabelledSource() throws IOException {
        Path images = DataSources.FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz");
        Files.copy(images, dir.resolve(images.getFileName()));
        DataSource unlabelled = DataSources.open(dir.toString(), Split.TEST);

        assertFalse(unlabelled.labelled());
        assertEquals(OptionalInt.empty(), unlabelled.classes());
        assertEquals(10_000, unlabelled.size());
        assertEquals(Shape.of(1, 28, 28), unlabelled.sampleShape());
        assertArrayEquals(
                test.batch(9_000, 1_000, NORM).data(),
                unlabelled.batch(9_000, 1_000, NORM).data());
        assertEquals(
                List.of(new DataProvenance.FileDigest(dir.resolve(images.getFileName()), IdxReaderTest.sha256(images))),
                unlabelled.provenance().files());
        assertArrayEquals(
                Calibration.sample(test, 64, 5L, NORM).data(),
                Calibration.sample(unlabelled, 64, 5L, NORM).data());

        UserInputException e = assertThrows(UserInputException.class, unlabelled::labels);
        assertEquals(dir + ":test: has no labels", e.getMessage());
        Tensor logits = Tensor.zeros(Shape.of(10_000, 10));
        assertThrows(UserInputException.class, () -> Classification.accuracy(logits, unlabelled));
    }

    @Test
    void limitKeepsTheFirstSamplesAndSaysSo() {
        DataSource first = test.limit(300);
        assertEquals(300, first.size());
        assertArrayEquals(Arrays.copyOf(test.labels(), 300), first.labels());
        assertEquals(OptionalInt.of(10), first.classes());
        assertArrayEquals(
                test.batch(100, 200, NORM).data(), first.batch(100, 200, NORM).data());
        assertThrows(IndexOutOfBoundsException.class, () -> first.batch(200, 101, NORM));
        assertEquals(
                List.of("uint8 / 255", "first 300 samples"), first.provenance().preprocessing());
        assertEquals(test.provenance().files(), first.provenance().files());
        assertSame(test, test.limit(10_000));
        assertEquals(
                List.of("uint8 / 255", "first 10 samples"),
                first.limit(10).provenance().preprocessing());
    }

    @Test
    void gatherReturnsTheBatchesOfTheIndicesInOrder() {
        int[] indices = {9_999, 0, 42, 42, 5_000};
        Tensor gathered = test.gather(indices, NORM);
        assertEquals(Shape.of(5, 1, 28, 28), gathered.shape());
        for (int i = 0; i < indices.length; i++) {
            assertArrayEquals(
                    test.batch(indices[i], 1, NORM).data(),
                    Arrays.copyOfRange(gathered.data(), i * 784, (i + 1) * 784),
                    "sample " + indices[i]);
        }
        // The interface's own gather, which a source without one of its own gets, agrees with the 8-bit source's.
        assertArrayEquals(
                gathered.data(),
                new FirstSamples(test, 10_000).gather(indices, NORM).data());
    }
}
