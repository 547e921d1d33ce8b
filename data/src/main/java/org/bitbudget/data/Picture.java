package org.bitbudget.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bitbudget.ir.UserInputException;

/**
 * A decoded picture as float planes of its stored sample values (0..255 for 8-bit pictures), and the
 * steps of {@link Preprocessing} on it. Samples are read from the raster, not through a colour
 * conversion, so an 8-bit grey or RGB PNG gives exactly its stored bytes.
 *
 * @param planes  one {@code height * width} plane per channel, row-major
 * @param height  rows
 * @param width   columns
 * @param maximum the value of a full-intensity sample (255 for 8 bits, 65535 for 16)
 */
record Picture(float[][] planes, int height, int width, float maximum) {
    /**
     * Decodes a PNG or JPEG with ImageIO into its colour channels (alpha dropped; palettes expanded).
     *
     * @throws UserInputException naming the file when ImageIO cannot decode it
     */
    static Picture read(Path file) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new UserInputException(file.toString(), "cannot decode the picture: " + e.getMessage());
        }
        if (image == null) {
            throw new UserInputException(file.toString(), "not a picture ImageIO can decode (PNG or JPEG)");
        }
        int h = image.getHeight();
        int w = image.getWidth();
        if (image.getColorModel() instanceof IndexColorModel) {
            float[][] planes = new float[3][h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = image.getRGB(x, y);
                    planes[0][y * w + x] = (rgb >> 16) & 0xFF;
                    planes[1][y * w + x] = (rgb >> 8) & 0xFF;
                    planes[2][y * w + x] = rgb & 0xFF;
                }
            }
            return new Picture(planes, h, w, 255f);
        }
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        int colours = bands >= 3 ? 3 : 1;
        float[][] planes = new float[colours][h * w];
        for (int c = 0; c < colours; c++) {
            raster.getSamples(0, 0, w, h, c, planes[c]);
        }
        int bits = raster.getSampleModel().getSampleSize(0);
        return new Picture(planes, h, w, (float) ((1L << bits) - 1));
    }

    /** The picture with the channels {@code color} asks for. */
    Picture color(Preprocessing.Color color) {
        int n = height * width;
        return switch (color) {
            case GRAYSCALE -> {
                if (planes.length == 1) {
                    yield this;
                }
                float[] grey = new float[n];
                for (int i = 0; i < n; i++) {
                    grey[i] = 0.299f * planes[0][i] + 0.587f * planes[1][i] + 0.114f * planes[2][i];
                }
                yield new Picture(new float[][] {grey}, height, width, maximum);
            }
            case RGB ->
                planes.length == 3
                        ? this
                        : new Picture(new float[][] {planes[0], planes[0], planes[0]}, height, width, maximum);
            case BGR -> {
                Picture rgb = color(Preprocessing.Color.RGB);
                yield new Picture(new float[][] {rgb.planes[2], rgb.planes[1], rgb.planes[0]}, height, width, maximum);
            }
        };
    }

    /** The picture resized as {@code resize} says. */
    Picture resize(Preprocessing.Resize resize) {
        return switch (resize.mode()) {
            case NONE -> this;
            case EXACT -> bilinear(resize.height(), resize.width());
            case SHORTER -> {
                int s = resize.height();
                // torchvision's Resize(int): the longer side is truncated, not rounded.
                yield height <= width
                        ? bilinear(s, (int) ((long) s * width / height))
                        : bilinear((int) ((long) s * height / width), s);
            }
            case PAD -> {
                double f = Math.min((double) resize.height() / height, (double) resize.width() / width);
                int h = Math.clamp(Math.round(height * f), 1, resize.height());
                int w = Math.clamp(Math.round(width * f), 1, resize.width());
                Picture inner = bilinear(h, w);
                int top = (resize.height() - h) / 2;
                int left = (resize.width() - w) / 2;
                float[][] out = new float[planes.length][resize.height() * resize.width()];
                for (int c = 0; c < planes.length; c++) {
                    for (int y = 0; y < h; y++) {
                        System.arraycopy(inner.planes[c], y * w, out[c], (top + y) * resize.width() + left, w);
                    }
                }
                yield new Picture(out, resize.height(), resize.width(), maximum);
            }
        };
    }

    /**
     * Bilinear interpolation to {@code outH x outW} on half-pixel centres without antialiasing: output
     * row y reads source row {@code max(0, (y + 0.5) * height / outH - 0.5)}, blending its floor and the
     * next row (the last row repeats at the edge), and likewise for columns.
     */
    Picture bilinear(int outH, int outW) {
        if (outH == height && outW == width) {
            return this;
        }
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        float[] wy = new float[outH];
        taps(height, outH, y0, y1, wy);
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] wx = new float[outW];
        taps(width, outW, x0, x1, wx);
        float[][] out = new float[planes.length][outH * outW];
        for (int c = 0; c < planes.length; c++) {
            float[] p = planes[c];
            float[] o = out[c];
            for (int y = 0; y < outH; y++) {
                int r0 = y0[y] * width;
                int r1 = y1[y] * width;
                float b = wy[y];
                for (int x = 0; x < outW; x++) {
                    float a = wx[x];
                    float top = (1 - a) * p[r0 + x0[x]] + a * p[r0 + x1[x]];
                    float bottom = (1 - a) * p[r1 + x0[x]] + a * p[r1 + x1[x]];
                    o[y * outW + x] = (1 - b) * top + b * bottom;
                }
            }
        }
        return new Picture(out, outH, outW, maximum);
    }

    private static void taps(int in, int out, int[] lo, int[] hi, float[] weight) {
        float scale = (float) in / out;
        for (int i = 0; i < out; i++) {
            float src = Math.max(0f, (i + 0.5f) * scale - 0.5f);
            int l = Math.min((int) src, in - 1);
            lo[i] = l;
            hi[i] = Math.min(l + 1, in - 1);
            weight[i] = src - l;
        }
    }

    /**
     * The centre {@code h x w} of the picture, its top-left corner at {@code rint((height - h) / 2)}
     * (rounding half to even, as torchvision's {@code CenterCrop} does in Python).
     *
     * @throws UserInputException naming {@code file} when the picture is smaller than the crop
     */
    Picture crop(int h, int w, Path file) {
        if (h > height || w > width) {
            throw new UserInputException(
                    file.toString(),
                    "the picture is " + height + "x" + width + " after resizing, smaller than the crop " + h + "x" + w);
        }
        int top = (int) Math.rint((height - h) / 2.0);
        int left = (int) Math.rint((width - w) / 2.0);
        float[][] out = new float[planes.length][h * w];
        for (int c = 0; c < planes.length; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(planes[c], (top + y) * width + left, out[c], y * w, w);
            }
        }
        return new Picture(out, h, w, maximum);
    }

    /**
     * Writes the picture's values divided by {@code maximum / scale} into {@code out} from {@code at}, in
     * {@code layout} order ({@code [C, H, W]} or {@code [H, W, C]}).
     */
    void write(float scale, Preprocessing.Layout layout, float[] out, int at) {
        float divisor = maximum / scale;
        int n = height * width;
        int channels = planes.length;
        for (int c = 0; c < channels; c++) {
            float[] p = planes[c];
            for (int i = 0; i < n; i++) {
                int o = layout == Preprocessing.Layout.NCHW ? at + c * n + i : at + i * channels + c;
                out[o] = p[i] / divisor;
            }
        }
    }
}
