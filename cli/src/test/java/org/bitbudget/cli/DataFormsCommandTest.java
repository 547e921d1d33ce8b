package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.testsupport.NumpyFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval} of the shared lenet5 on the first Fashion-MNIST test pictures from three data forms: the
 * idx files, a {@code .npz} NumPy wrote with other keys than {@code x}/{@code y}
 * ({@code --input-key}/{@code --label-key}), and a PNG class folder ({@code --preprocess}); all count the
 * same correct predictions. Wrong keys and preprocessing are one-line errors naming the option.
 */
class DataFormsCommandTest {
    private static final int N = 300;
    private static final String LENET = Path.of(System.getProperty("bitbudget.shared", "../../shared"))
            .resolve("models/lenet5.onnx")
            .toString();
    private static final String NORM = "0.2860,0.3530";

    @TempDir
    static Path dir;

    @BeforeAll
    static void write() throws Exception {
        NumpyFiles.write(dir, "fashion", Integer.toString(N));
        DataSource idx = DataSources.open("fashion-mnist", Split.TEST).limit(N);
        float[] v = idx.batch(0, N, Normalization.NONE).data();
        int[] labels = idx.labels();
        for (int i = 0; i < N; i++) {
            BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < 784; p++) {
                image.getRaster().setSample(p % 28, p / 28, 0, Math.round(v[i * 784 + p] * 255));
            }
            Path file = dir.resolve("png/class-" + labels[i] + "/" + i + ".png");
            Files.createDirectories(file.getParent());
            assertTrue(ImageIO.write(image, "png", file.toFile()));
        }
    }

    private static JsonNode eval(String... data) throws Exception {
        String[] args = new String[8 + data.length];
        String[] fixed = {"eval", "--model", LENET, "--normalize", NORM, "--limit", Integer.toString(N), "--json"};
        System.arraycopy(fixed, 0, args, 0, 8);
        System.arraycopy(data, 0, args, 8, data.length);
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(args);
        assertEquals(0, r.code(), r.err());
        return r.json();
    }

    @Test
    void idxNpzAndPngFolderCountTheSameCorrectPredictions() throws Exception {
        JsonNode idx = eval("--data", "fashion-mnist");
        JsonNode npz =
                eval("--data", dir.resolve("fashion.npz").toString(), "--input-key", "images", "--label-key", "labels");
        JsonNode png = eval("--data", dir.resolve("png").toString(), "--preprocess", "color=grayscale");
        assertEquals(N, npz.get("samples").asInt());
        assertEquals(idx.get("correct").asInt(), npz.get("correct").asInt());
        assertEquals(idx.get("accuracy").asDouble(), npz.get("accuracy").asDouble(), 0.0);
        assertEquals(N, png.get("samples").asInt());
        assertEquals(idx.get("correct").asInt(), png.get("correct").asInt());
        assertTrue(idx.get("accuracy").asDouble() > 0.8, idx.toString());
    }

    @Test
    void wrongKeysAndPreprocessingAreOneLineErrors() {
        String npz = dir.resolve("fashion.npz").toString();
        BitBudgetCliTest.Run keys = BitBudgetCliTest.run("eval", "--model", LENET, "--data", npz, "--limit", "5");
        assertEquals(2, keys.code());
        assertEquals(
                "bitbudget: --data " + npz + ": has no array 'x' (arrays: images, labels)",
                keys.err().strip());
        BitBudgetCliTest.Run pre = BitBudgetCliTest.run(
                "eval", "--model", LENET, "--data", dir.resolve("png").toString(), "--preprocess", "resize=big");
        assertEquals(2, pre.code());
        assertEquals(
                "bitbudget: --preprocess: resize=big: resize: 'big' is not N, shorter:N, HxW or pad:HxW",
                pre.err().strip());
    }
}
