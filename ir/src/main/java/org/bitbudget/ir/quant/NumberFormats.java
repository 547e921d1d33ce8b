package org.bitbudget.ir.quant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The number formats by the names configs use: the one list of the built-in formats, and where a
 * library adds its own. Names are matched trimmed and in any case; an exact name wins over a
 * family's pattern ({@code fp8-e4m3} is the OCP format with max 448, not the all-finite
 * {@code fpN-eEmM} member with max 480).
 *
 * <pre>{@code
 * NumberFormats.register(IntegerFormat.symmetric(12));   // int12: the intB family stops at 8 bits
 * NumberFormat f = NumberFormat.parse("int12");          // and errors now list int12 too
 * }</pre>
 */
public final class NumberFormats {

    /**
     * Formats named by a pattern with parameters, such as {@code intB} or {@code fpN-eEmM}.
     *
     * @param names  how the "unknown format" error lists the family's names
     * @param member the member called by a trimmed, lower-case name, or null when the name is not of
     *               the family's form; throws {@link IllegalArgumentException} with the reason when it
     *               is of the form but names no format (the registry prefixes the name)
     */
    public record Family(String names, Function<String, NumberFormat> member) {
        public Family {
            Objects.requireNonNull(names);
            Objects.requireNonNull(member);
        }
    }

    /** Exact names (aliases included) to formats. */
    private static final Map<String, NumberFormat> NAMED = new LinkedHashMap<>();

    private static final List<Family> FAMILIES = new ArrayList<>();
    /** What the "unknown format" error lists, in registration order. */
    private static final List<String> SHOWN = new ArrayList<>();

    static {
        register(NumberFormat.FLOAT, "fp32");
        register(IntegerFormat.FAMILY);
        register(IntegerFormat.binary());
        register(IntegerFormat.ternary());
        register(MiniFloatFormat.FP8_E4M3);
        register(MiniFloatFormat.FP8_E5M2);
        register(MiniFloatFormat.allFinite(3, 2));
        register(MiniFloatFormat.allFinite(2, 3));
        register(MiniFloatFormat.allFinite(2, 1));
        register(MiniFloatFormat.FAMILY);
    }

    private NumberFormats() {}

    /**
     * Registers {@code format} under its {@link NumberFormat#name()} and the given aliases.
     *
     * @throws IllegalArgumentException when one of the names already parses to a format, or is of a
     *                                  family's form
     */
    public static synchronized void register(NumberFormat format, String... aliases) {
        List<String> names = new ArrayList<>();
        names.add(format.name());
        names.addAll(List.of(aliases));
        for (String name : names) {
            NumberFormat existing = find(name);
            if (existing != null) {
                throw new IllegalArgumentException("'" + name + "' already names the format " + existing.name());
            }
        }
        for (String name : names) {
            NAMED.put(key(name), format);
        }
        SHOWN.add(format.name());
    }

    /** Registers a family of formats; exact names registered before or after it take precedence. */
    public static synchronized void register(Family family) {
        FAMILIES.add(family);
        SHOWN.add(family.names());
    }

    /**
     * The format called {@code name}.
     *
     * @throws IllegalArgumentException naming the registered formats when {@code name} is none of them
     */
    public static synchronized NumberFormat parse(String name) {
        NumberFormat format = find(name);
        if (format == null) {
            throw new IllegalArgumentException("unknown format '" + name + "' (expected " + shown() + ")");
        }
        return format;
    }

    /** The registered names as errors list them, families by their patterns ({@code fpN-eEmM}). */
    public static synchronized List<String> names() {
        return List.copyOf(SHOWN);
    }

    private static String key(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * The format called {@code name}, or null.
     *
     * @throws IllegalArgumentException with a family's reason when the name is of its form but no member
     */
    private static NumberFormat find(String name) {
        String key = key(name);
        NumberFormat format = NAMED.get(key);
        try {
            for (int i = 0; format == null && i < FAMILIES.size(); i++) {
                format = FAMILIES.get(i).member().apply(key);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + name + "': " + e.getMessage(), e);
        }
        return format;
    }

    /** "a, b or c". */
    private static String shown() {
        int last = SHOWN.size() - 1;
        return last == 0 ? SHOWN.getFirst() : String.join(", ", SHOWN.subList(0, last)) + " or " + SHOWN.get(last);
    }
}
