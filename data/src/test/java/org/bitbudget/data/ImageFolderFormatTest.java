package org.bitbudget.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image folders written with ImageIO's PNG and JPEG encoders: labels from class folders sorted by name,
 * flat folders without labels, 8-bit values read back bit for bit, and every preprocessing step checked
 * against a hand computation (bilinear resize on half-pixel centres without antialiasing, shorter-side
 * resize, keep-aspect padding, centre crop, BGR, grayscale, NHWC, [0, 255], declared mean and std).
 */
class ImageFolderFormatTest {
    @TempDir
    Path dir;

    /** A picture whose pixel (x, y) has red 10x + y, green 200 - 3y, blue 7x + 5y (mod 256). */
    private static BufferedImage pattern(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, (red(x, y) << 16) | (green(y) << 8) | blue(x, y));
            }
        }
        return image;
    }

    private static int red(int x, int y) {
        return (10 * x + y) & 0xFF;
    }

    private static int green(int y) {
        return (200 - 3 * y) & 0xFF;
    }

    private static int blue(int x, int y) {
        return (7 * x + 5 * y) & 0xFF;
    }

    private static Path png(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(image, "png", file.toFile()));
        return file;
    }

    private static BufferedImage grey(int[][] rows) {
        BufferedImage image = new BufferedImage(rows[0].length, rows.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[0].length; x++) {
                image.getRaster().setSample(x, y, 0, rows[y][x]);
            }
        }
        return image;
    }

    private DataSource open(Path folder, String preprocessing) {
        ReadOptions options = ReadOptions.DEFAULT.withPreprocessing(Preprocessing.parse(preprocessing));
        return DataSources.open(folder.toString(), Split.TEST, options);
    }

    @Test
    void classFoldersSortedByNameAreTheLabelsAndBytesReadBackExactly() throws IOException {
        Path root = dir.resolve("set");
        png(pattern(5, 4), root.resolve("dog/b.png"));
        png(pattern(5, 4), root.resolve("dog/a.PNG"));
        png(pattern(5, 4), root.resolve("ant/x.png"));
        png(
                grey(new int[][] {{0, 1, 2, 3, 4}, {250, 251, 252, 253, 254}, {9, 9, 9, 9, 9}, {255, 0, 255, 0, 128}}),
                root.resolve("cat/nested/g.png"));
        DataSource s = DataSources.open(root.toString(), Split.TEST);
        assertEquals("images", s.provenance().kind());
        assertEquals(4, s.size());
        assertArrayEquals(new int[] {0, 1, 2, 2}, s.labels());
        assertEquals(OptionalInt.of(3), s.classes());
        assertEquals(Shape.of(3, 4, 5), s.sampleShape());
        assertEquals(
                List.of(
                        root.resolve("ant/x.png"),
                        root.resolve("cat/nested/g.png"),
                        root.resolve("dog/a.PNG"),
                        root.resolve("dog/b.png")),
                s.provenance().files().stream()
                        .map(DataProvenance.FileDigest::path)
                        .toList());
        assertEquals(
                "labels by class folder: ant=0, cat=1, dog=2",
                s.provenance().preprocessing().getFirst());
        float[] v = s.batch(0, 2, Normalization.NONE).data();
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                int i = y * 5 + x;
                assertEquals(red(x, y) / 255f, v[i], 0f);
                assertEquals(green(y) / 255f, v[20 + i], 0f);
                assertEquals(blue(x, y) / 255f, v[40 + i], 0f);
            }
        }
        // The grey picture is repeated in the three channels.
        assertEquals(254 / 255f, v[60 + 9], 0f);
        assertEquals(254 / 255f, v[60 + 20 + 9], 0f);
        assertEquals(128 / 255f, v[60 + 40 + 19], 0f);
    }

    @Test
    void aFlatFolderIsUnlabelledAndMixedSizesAreRefused() throws IOException {
        Path flat = dir.resolve("flat");
        png(pattern(3, 3), flat.resolve("1.png"));
        png(pattern(3, 3), flat.resolve("2.png"));
        DataSource s = DataSources.open(flat.toString(), Split.TEST);
        assertFalse(s.labelled());
        assertEquals(OptionalInt.empty(), s.classes());
        assertEquals(2, s.size());
        png(pattern(4, 3), flat.resolve("3.png"));
        DataSource mixed = DataSources.open(flat.toString(), Split.TEST);
        UserInputException e = assertThrows(UserInputException.class, () -> mixed.batch(0, 3, Normalization.NONE));
        assertEquals(
                flat.resolve("3.png") + ": is 3x4 after preprocessing but " + flat.resolve("1.png")
                        + " is [3, 3, 3]; resize or crop them to one size",
                e.getMessage());
        Files.writeString(flat.resolve("4.jpg"), "not a picture");
        assertThrows(
                UserInputException.class,
                () -> DataSources.open(flat.toString(), Split.TEST).batch(3, 1, Normalization.NONE));
    }

    @Test
    void bilinearResizeMatchesTheHandComputation() throws IOException {
        // 2x2 grey [[0, 100], [200, 40]] to 4x4: source rows/cols at max(0, (i + 0.5) / 2 - 0.5) =
        // 0, 0.25, 0.75, 1.25 (clamped to the last), i.e. weights 0, 0.25, 0.75, 1 on the second tap.
        Path up = png(grey(new int[][] {{0, 100}, {200, 40}}), dir.resolve("up/a.png"));
        DataSource s = open(up.getParent(), "resize=4x4;color=grayscale;scale=255");
        float[] w = {0f, 0.25f, 0.75f, 1f};
        float[] v = s.batch(0, 1, Normalization.NONE).data();
        assertEquals(Shape.of(1, 4, 4), s.sampleShape());
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                float top = (1 - w[x]) * 0 + w[x] * 100;
                float bottom = (1 - w[x]) * 200 + w[x] * 40;
                assertEquals((1 - w[y]) * top + w[y] * bottom, v[y * 4 + x], 1e-4f, "(" + y + ", " + x + ")");
            }
        }
        assertEquals(25f, v[1], 0f);
        assertEquals(160f, v[13], 0f);

        // 6x6 to 2x2 without antialiasing: source positions (0.5 * 3 - 0.5, 1.5 * 3 - 0.5) = (1, 4), so
        // the output is exactly the pixels at rows and columns 1 and 4, no average of their neighbours.
        int[][] six = new int[6][6];
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                six[y][x] = 40 * y + 3 * x;
            }
        }
        Path down = png(grey(six), dir.resolve("down/a.png"));
        assertArrayEquals(
                new float[] {43, 52, 163, 172},
                open(down.getParent(), "resize=2x2;color=grayscale;scale=255")
                        .batch(0, 1, Normalization.NONE)
                        .data());
    }

    @Test
    void shorterSidePadAndCenterCropPlaceThePixelsAsTorchvisionDoes() throws IOException {
        // 4 rows x 6 columns, shorter side to 2: 2 x floor(2 * 6 / 4) = 2 x 3, i.e. an exact halving.
        Path f = png(pattern(6, 4), dir.resolve("s/a.png"));
        DataSource shorter = open(f.getParent(), "resize=2;scale=255");
        assertEquals(Shape.of(3, 2, 3), shorter.sampleShape());
        // Halving samples at 0.5, 2.5, 4.5: the mean of each 2x2 block.
        float[] v = shorter.batch(0, 1, Normalization.NONE).data();
        assertEquals((red(0, 0) + red(1, 0) + red(0, 1) + red(1, 1)) / 4f, v[0], 1e-4f);
        assertEquals((red(4, 2) + red(5, 2) + red(4, 3) + red(5, 3)) / 4f, v[5], 1e-4f);

        // Keep-aspect into 6x6: scale min(6/4, 6/6) = 1, the 4x6 picture unchanged at rows 1..4, zeros above and below.
        DataSource pad = open(f.getParent(), "resize=pad:6x6;scale=255");
        float[] p = pad.batch(0, 1, Normalization.NONE).data();
        assertEquals(Shape.of(3, 6, 6), pad.sampleShape());
        for (int x = 0; x < 6; x++) {
            assertEquals(0f, p[x], 0f);
            assertEquals(red(x, 0), p[6 + x], 0f);
            assertEquals(red(x, 3), p[24 + x], 0f);
            assertEquals(0f, p[30 + x], 0f);
        }

        // Centre crop 2x3 of 4x6: top rint(1.0) = 1, left rint(1.5) = 2 (half to even).
        DataSource crop = open(f.getParent(), "crop=2x3;scale=255");
        float[] c = crop.batch(0, 1, Normalization.NONE).data();
        assertEquals(red(2, 1), c[0], 0f);
        assertEquals(red(4, 2), c[5], 0f);
        UserInputException big = assertThrows(UserInputException.class, () -> open(f.getParent(), "crop=5"));
        assertEquals(f + ": the picture is 4x6 after resizing, smaller than the crop 5x5", big.getMessage());
    }

    @Test
    void channelsLayoutScaleAndDeclaredNormalisation() throws IOException {
        Path f = png(pattern(2, 2), dir.resolve("c/a.png"));
        float[] bgr = open(f.getParent(), "color=bgr;scale=255")
                .batch(0, 1, Normalization.NONE)
                .data();
        assertEquals(blue(1, 1), bgr[3], 0f);
        assertEquals(red(1, 1), bgr[11], 0f);
        float[] g = open(f.getParent(), "color=grayscale;scale=255")
                .batch(0, 1, Normalization.NONE)
                .data();
        assertEquals(0.299f * red(1, 0) + 0.587f * green(0) + 0.114f * blue(1, 0), g[1], 0f);
        DataSource nhwc = open(f.getParent(), "layout=nhwc;scale=255");
        assertEquals(Shape.of(2, 2, 3), nhwc.sampleShape());
        assertEquals(2, nhwc.channelAxis());
        assertEquals(3, nhwc.channels());
        float[] h = nhwc.batch(0, 1, Normalization.NONE).data();
        assertArrayEquals(new float[] {red(1, 0), green(0), blue(1, 0)}, Arrays.copyOfRange(h, 3, 6));

        // Per-channel normalisation follows the channel axis in both layouts.
        Normalization norm = Normalization.parse("10,20,30/2,4,5");
        float[] hn = nhwc.batch(0, 1, norm).data();
        assertArrayEquals(
                new float[] {(red(1, 0) - 10) / 2f, (green(0) - 20) / 4f, (blue(1, 0) - 30) / 5f},
                Arrays.copyOfRange(hn, 3, 6));
        float[] cn = open(f.getParent(), "scale=255").batch(0, 1, norm).data();
        assertEquals((green(0) - 20) / 4f, cn[4 + 1], 0f);

        // Measuring the per-channel statistics follows the channel axis too.
        assertEquals(Normalization.measure(open(f.getParent(), "scale=255")), Normalization.measure(nhwc));
        assertEquals(
                (float) (Math.round((red(0, 0) + red(1, 0) + red(0, 1) + red(1, 1)) / 4.0 * 1e4) / 1e4),
                Normalization.measure(nhwc).mean()[0]);

        DataSource declared = open(f.getParent(), "mean=0.485,0.456,0.406;std=0.229,0.224,0.225");
        assertEquals(
                Optional.of(Normalization.parse("0.485,0.456,0.406/0.229,0.224,0.225")),
                declared.declaredNormalization());
        assertEquals(declared.declaredNormalization(), declared.limit(1).declaredNormalization());
    }

    @Test
    void preprocessingFilesInYamlAndJsonAndTheirErrors() throws IOException {
        Path yaml = Files.writeString(
                dir.resolve("pre.yaml"),
                "resize: 256\ncrop: 224\ncolor: bgr\nscale: 255\nlayout: nhwc\nmean: [103.53, 116.28, 123.675]\n"
                        + "std: [57.375, 57.12, 58.395]\n");
        Preprocessing p = Preprocessing.parse(yaml.toString());
        assertEquals(new Preprocessing.Resize(Preprocessing.Resize.Mode.SHORTER, 256, 0), p.resize());
        assertArrayEquals(new int[] {224, 224}, p.crop());
        assertEquals(Preprocessing.Color.BGR, p.color());
        assertEquals(255f, p.scale());
        assertEquals(Preprocessing.Layout.NHWC, p.layout());
        assertEquals(Normalization.parse("103.53,116.28,123.675/57.375,57.12,58.395"), p.normalization());
        Path json = Files.writeString(
                dir.resolve("pre.json"), "{\"resize\": \"pad:32x48\", \"crop\": \"30x40\", \"color\": \"grayscale\"}");
        Preprocessing q = Preprocessing.parse(json.toString());
        assertEquals(new Preprocessing.Resize(Preprocessing.Resize.Mode.PAD, 32, 48), q.resize());
        assertArrayEquals(new int[] {30, 40}, q.crop());
        assertEquals(1, q.channels());
        assertEquals(
                p,
                Preprocessing.parse("resize=shorter:256;crop=224x224;color=bgr;scale=255;layout=nhwc;"
                        + "mean=103.53,116.28,123.675;std=57.375,57.12,58.395"));

        assertEquals(
                "resize=big: resize: 'big' is not N, shorter:N, HxW or pad:HxW",
                assertThrows(UserInputException.class, () -> Preprocessing.parse("resize=big"))
                        .getMessage());
        assertEquals(
                json + ": zoom: unknown preprocessing option (known: resize, crop, color, scale, mean, std, layout)",
                assertThrows(
                                UserInputException.class,
                                () -> Preprocessing.parse(
                                        Files.writeString(json, "{\"zoom\": 2}").toString()))
                        .getMessage());
        assertEquals(
                "mean=0.5: mean and std go together",
                assertThrows(UserInputException.class, () -> Preprocessing.parse("mean=0.5"))
                        .getMessage());
    }

    /**
     * JPEG is lossy, so a JPEG written by ImageIO's encoder at quality 1.0 (every quantisation step 1) is
     * compared with the pixels it encoded: on a smooth picture the only loss is rounding in the colour
     * transform and the DCT and the 2x2 chroma subsampling of a chroma that changes by under 8 levels per
     * pixel, a few levels at most. The source must give what the decoder gives, scaled by 1/255.
     */
    @Test
    void jpegDecodesWithinTheEncodersLoss() throws IOException {
        int w = 24;
        int h = 16;
        BufferedImage smooth = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                smooth.setRGB(x, y, ((40 + 5 * x) << 16) | ((60 + 6 * y) << 8) | (100 + 2 * x + 3 * y));
            }
        }
        Path file = dir.resolve("j/a.jpg");
        Files.createDirectories(file.getParent());
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(1f);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(smooth, null, null), param);
        } finally {
            writer.dispose();
        }
        float[] v = DataSources.open(file.getParent().toString(), Split.TEST)
                .batch(0, 1, Normalization.NONE)
                .data();
        BufferedImage decoded = ImageIO.read(file.toFile());
        double worst = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] original = {
                    (smooth.getRGB(x, y) >> 16) & 0xFF, (smooth.getRGB(x, y) >> 8) & 0xFF, smooth.getRGB(x, y) & 0xFF
                };
                for (int c = 0; c < 3; c++) {
                    float got = v[c * h * w + y * w + x];
                    assertEquals(decoded.getRaster().getSample(x, y, c) / 255f, got, 0f);
                    worst = Math.max(worst, Math.abs(got * 255 - original[c]));
                }
            }
        }
        assertTrue(worst <= 4, "largest JPEG error " + worst + " levels");
    }
}
