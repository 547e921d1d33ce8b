package org.bitbudget.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.bitbudget.ir.UserInputException;

/**
 * How an image folder's pictures become tensors, applied in this order: decode (8-bit or 16-bit PNG,
 * JPEG), {@link #color}, {@link #resize}, {@link #crop}, divide by the sample maximum and multiply by
 * {@link #scale}, and lay out as {@link #layout}. The {@link #normalization} (per-channel mean and std)
 * is the one the data declare; a user's explicit normalisation overrides it.
 *
 * <p>Written as options ({@code resize=256;crop=224;mean=0.485,0.456,0.406;std=0.229,0.224,0.225}) or as a
 * YAML/JSON file with the same keys: {@code resize} ({@code N} or {@code shorter:N}: the shorter side
 * becomes N and the longer {@code floor(N * long / short)}, as torchvision's {@code Resize(N)};
 * {@code HxW}: exactly H rows and W columns; {@code pad:HxW}: keep the aspect ratio, fit inside HxW and pad
 * with zeros, centred), {@code crop} ({@code N} or {@code HxW}, centred as torchvision's
 * {@code CenterCrop}), {@code color} ({@code rgb}, {@code bgr}, {@code grayscale}), {@code scale}
 * ({@code 1} or {@code 255}: values in [0, 1] or [0, 255]), {@code mean} and {@code std} (one number, or
 * one per channel), {@code layout} ({@code nchw} or {@code nhwc}).
 *
 * @param resize        how pictures are resized before cropping
 * @param crop          the centre crop {@code [height, width]}, or null for none
 * @param color         the channels of a sample
 * @param scale         the value of a full-intensity sample: 1 or 255
 * @param layout        where the channel axis goes
 * @param normalization the declared mean and std, or null for none
 */
public record Preprocessing(
        Resize resize, int[] crop, Color color, float scale, Layout layout, Normalization normalization) {
    /** No resizing or cropping (every picture must have the same size), RGB, [0, 1], NCHW, no normalisation. */
    public static final Preprocessing DEFAULT = new Preprocessing(Resize.NONE, null, Color.RGB, 1f, Layout.NCHW, null);

    /** The channels of a sample. */
    public enum Color {
        /** Red, green, blue; grey pictures are repeated in all three. */
        RGB,
        /** Blue, green, red, as OpenCV-trained models expect. */
        BGR,
        /** One channel: grey pictures as stored, colour ones as {@code 0.299 R + 0.587 G + 0.114 B}. */
        GRAYSCALE
    }

    /** Where the channel axis of a sample goes. */
    public enum Layout {
        /** {@code [C, H, W]}. */
        NCHW,
        /** {@code [H, W, C]}. */
        NHWC
    }

    /**
     * A resize step: bilinear interpolation without antialiasing, on half-pixel centres (PyTorch's
     * {@code interpolate(mode="bilinear", align_corners=False, antialias=False)}).
     *
     * @param mode   what {@code height} and {@code width} mean
     * @param height the target rows (the shorter side for {@link Mode#SHORTER})
     * @param width  the target columns (unused for {@link Mode#SHORTER})
     */
    public record Resize(Mode mode, int height, int width) {
        /** No resizing. */
        public static final Resize NONE = new Resize(Mode.NONE, 0, 0);

        /** The kinds of resizing. */
        public enum Mode {
            NONE,
            SHORTER,
            EXACT,
            PAD
        }

        public Resize {
            Objects.requireNonNull(mode, "mode");
            if (mode != Mode.NONE && (height < 1 || (mode != Mode.SHORTER && width < 1))) {
                throw new IllegalArgumentException("resize sizes must be positive");
            }
        }

        @Override
        public String toString() {
            return switch (mode) {
                case NONE -> "none";
                case SHORTER -> "shorter:" + height;
                case EXACT -> height + "x" + width;
                case PAD -> "pad:" + height + "x" + width;
            };
        }
    }

    public Preprocessing {
        Objects.requireNonNull(resize, "resize");
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(layout, "layout");
        crop = crop == null ? null : crop.clone();
        if (crop != null && (crop.length != 2 || crop[0] < 1 || crop[1] < 1)) {
            throw new IllegalArgumentException("crop must be two positive sizes");
        }
        if (scale != 1f && scale != 255f) {
            throw new IllegalArgumentException("scale must be 1 or 255, got " + scale);
        }
    }

    /** The centre crop {@code [height, width]} (a copy), or null. */
    @Override
    public int[] crop() {
        return crop == null ? null : crop.clone();
    }

    /** The channels of a sample. */
    public int channels() {
        return color == Color.GRAYSCALE ? 1 : 3;
    }

    /** The steps in order, for a source's provenance. */
    public List<String> steps() {
        List<String> out = new ArrayList<>();
        out.add("decode to " + color.name().toLowerCase(Locale.ROOT));
        if (resize.mode() != Resize.Mode.NONE) {
            out.add("resize " + resize + " (bilinear, half-pixel centres, no antialias)");
        }
        if (crop != null) {
            out.add("center crop " + crop[0] + "x" + crop[1]);
        }
        out.add(scale == 1f ? "scale to [0, 1]" : "scale to [0, 255]");
        out.add("layout " + layout.name().toLowerCase(Locale.ROOT));
        return out;
    }

    /**
     * Reads preprocessing from {@code text}: the path of a YAML or JSON file when one exists there, else
     * options {@code key=value;key=value}.
     *
     * @throws UserInputException naming the file or the text, and the key at fault
     */
    public static Preprocessing parse(String text) {
        Path file = Path.of(text);
        if (!text.contains("=") && Files.isRegularFile(file)) {
            return parseFile(file);
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new UserInputException(
                        text, "expected key=value;key=value or a YAML/JSON file, got '" + part.strip() + "'");
            }
            options.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        return of(options, text);
    }

    /** Reads a YAML or JSON file whose top level maps the option keys to values (lists for mean and std). */
    public static Preprocessing parseFile(Path file) {
        JsonNode root;
        try {
            ObjectMapper mapper =
                    file.toString().toLowerCase(Locale.ROOT).endsWith(".json") ? new ObjectMapper() : new YAMLMapper();
            root = mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserInputException(file.toString(), "not readable YAML or JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new UserInputException(file.toString(), "expected a map of preprocessing options");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isArray()) {
                List<String> items = new ArrayList<>();
                v.forEach(item -> items.add(item.asText()));
                options.put(e.getKey(), String.join(",", items));
            } else {
                options.put(e.getKey(), v.asText());
            }
        }
        return of(options, file.toString());
    }

    private static Preprocessing of(Map<String, String> options, String origin) {
        Resize resize = Resize.NONE;
        int[] crop = null;
        Color color = Color.RGB;
        float scale = 1f;
        Layout layout = Layout.NCHW;
        String mean = null;
        String std = null;
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = e.getKey();
            String v = e.getValue().toLowerCase(Locale.ROOT);
            String where = origin + ": " + key;
            try {
                switch (key) {
                    case "resize" -> resize = resize(v);
                    case "crop" -> crop = size(v);
                    case "color" -> color = Color.valueOf(v.toUpperCase(Locale.ROOT));
                    case "scale" -> scale = Float.parseFloat(v);
                    case "layout" -> layout = Layout.valueOf(v.toUpperCase(Locale.ROOT));
                    case "mean" -> mean = v;
                    case "std" -> std = v;
                    default ->
                        throw new UserInputException(
                                where,
                                "unknown preprocessing option (known: resize, crop, color, scale, mean, std, "
                                        + "layout)");
                }
            } catch (IllegalArgumentException ex) {
                throw new UserInputException(where, "'" + e.getValue() + "' is not " + expected(key));
            }
        }
        if ((mean == null) != (std == null)) {
            throw new UserInputException(origin, "mean and std go together");
        }
        Normalization norm = null;
        if (mean != null) {
            try {
                norm = Normalization.parse(mean + "/" + std);
            } catch (IllegalArgumentException ex) {
                throw new UserInputException(origin + ": mean, std", ex.getMessage());
            }
        }
        try {
            return new Preprocessing(resize, crop, color, scale, layout, norm);
        } catch (IllegalArgumentException ex) {
            throw new UserInputException(origin, ex.getMessage());
        }
    }

    private static String expected(String key) {
        return switch (key) {
            case "resize" -> "N, shorter:N, HxW or pad:HxW";
            case "crop" -> "N or HxW";
            case "color" -> "rgb, bgr or grayscale";
            case "scale" -> "1 or 255";
            case "layout" -> "nchw or nhwc";
            default -> "valid";
        };
    }

    private static Resize resize(String v) {
        if (v.startsWith("pad:")) {
            int[] s = size(v.substring(4));
            return new Resize(Resize.Mode.PAD, s[0], s[1]);
        }
        if (v.startsWith("shorter:")) {
            return new Resize(Resize.Mode.SHORTER, Integer.parseInt(v.substring(8)), 0);
        }
        if (!v.contains("x")) {
            return new Resize(Resize.Mode.SHORTER, Integer.parseInt(v), 0);
        }
        int[] s = size(v);
        return new Resize(Resize.Mode.EXACT, s[0], s[1]);
    }

    private static int[] size(String v) {
        String[] p = v.split("x");
        if (p.length == 1) {
            int n = Integer.parseInt(p[0].strip());
            return new int[] {n, n};
        }
        if (p.length != 2) {
            throw new IllegalArgumentException(v);
        }
        return new int[] {Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip())};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p
                && resize.equals(p.resize)
                && Arrays.equals(crop, p.crop)
                && color == p.color
                && scale == p.scale
                && layout == p.layout
                && Objects.equals(normalization, p.normalization);
    }

    @Override
    public int hashCode() {
        return Objects.hash(resize, Arrays.hashCode(crop), color, scale, layout, normalization);
    }
}
