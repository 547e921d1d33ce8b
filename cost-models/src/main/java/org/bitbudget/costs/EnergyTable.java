package org.bitbudget.costs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.bitbudget.ir.UserInputException;

/**
 * Energy per operation and per memory access, in picojoules: the default is Horowitz's 45 nm table
 * (ISSCC 2014), shipped as {@code energy-45nm.yaml} beside this class; a user YAML file overrides
 * any of its keys. The resource documents the fields and the interpolation rules.
 *
 * @param intMultiply   integer multiply energy by operand width (bits → pJ)
 * @param floatMultiply float multiply energy by width
 * @param intAdd        integer add energy by width
 * @param floatAdd      float add energy by width
 * @param memory        one 64-bit access by memory level name
 * @param weightsFrom   the level weights are read from
 * @param activationsFrom the level activations are read from and written to
 */
public record EnergyTable(
        NavigableMap<Integer, Double> intMultiply,
        NavigableMap<Integer, Double> floatMultiply,
        NavigableMap<Integer, Double> intAdd,
        NavigableMap<Integer, Double> floatAdd,
        Map<String, Double> memory,
        String weightsFrom,
        String activationsFrom) {
    /** The resource holding the default table. */
    public static final String RESOURCE = "energy-45nm.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public EnergyTable {
        intMultiply = java.util.Collections.unmodifiableNavigableMap(new TreeMap<>(intMultiply));
        floatMultiply = java.util.Collections.unmodifiableNavigableMap(new TreeMap<>(floatMultiply));
        intAdd = java.util.Collections.unmodifiableNavigableMap(new TreeMap<>(intAdd));
        floatAdd = java.util.Collections.unmodifiableNavigableMap(new TreeMap<>(floatAdd));
        memory = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(memory));
    }

    /** Horowitz's 45 nm table. */
    public static EnergyTable defaults() {
        try (InputStream in = EnergyTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing");
            }
            return parse(YAML.readTree(in), null, RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    /** The default table with the keys {@code file} sets replaced. */
    public static EnergyTable load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(file.toString(), "no such file");
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserInputException(file.toString(), "not valid YAML: " + firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new UserInputException(file.toString(), "expected a YAML mapping (see " + RESOURCE + ")");
        }
        return parse(root, defaults(), file.toString());
    }

    private static EnergyTable parse(JsonNode root, EnergyTable base, String source) {
        Set<String> known = Set.of("multiply_pj", "add_pj", "memory_pj_per_64bit", "weights_from", "activations_from");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new UserInputException(
                        source + ": " + f,
                        "unknown field (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
        var intMul = widths(root, "multiply_pj", "int", base == null ? null : base.intMultiply, source);
        var floatMul = widths(root, "multiply_pj", "float", base == null ? null : base.floatMultiply, source);
        var intAdd = widths(root, "add_pj", "int", base == null ? null : base.intAdd, source);
        var floatAdd = widths(root, "add_pj", "float", base == null ? null : base.floatAdd, source);
        Map<String, Double> memory = new LinkedHashMap<>(base == null ? Map.of() : base.memory);
        JsonNode m = root.get("memory_pj_per_64bit");
        if (m != null) {
            if (!m.isObject()) {
                throw new UserInputException(source + ": memory_pj_per_64bit", "expected a mapping level: pJ");
            }
            for (var e : m.properties()) {
                memory.put(e.getKey(), energy(e.getValue(), source + ": memory_pj_per_64bit." + e.getKey()));
            }
        }
        String weightsFrom = level(root, "weights_from", base == null ? null : base.weightsFrom, memory, source);
        String activationsFrom =
                level(root, "activations_from", base == null ? null : base.activationsFrom, memory, source);
        return new EnergyTable(intMul, floatMul, intAdd, floatAdd, memory, weightsFrom, activationsFrom);
    }

    private static NavigableMap<Integer, Double> widths(
            JsonNode root, String field, String kind, NavigableMap<Integer, Double> base, String source) {
        JsonNode f = root.get(field);
        JsonNode node = f == null ? null : f.get(kind);
        String path = source + ": " + field + "." + kind;
        if (f != null && !f.isObject()) {
            throw new UserInputException(source + ": " + field, "expected a mapping with int and float");
        }
        if (node == null) {
            if (base == null) {
                throw new UserInputException(path, "missing");
            }
            return base;
        }
        if (!node.isObject() || node.isEmpty()) {
            throw new UserInputException(path, "expected a mapping bits: pJ, e.g. {8: 0.2, 32: 3.1}");
        }
        NavigableMap<Integer, Double> out = new TreeMap<>();
        for (var e : node.properties()) {
            int bits;
            try {
                bits = Integer.parseInt(e.getKey().trim());
            } catch (NumberFormatException ex) {
                throw new UserInputException(path + "." + e.getKey(), "the key must be a width in bits");
            }
            if (bits < 1 || bits > 64) {
                throw new UserInputException(path + "." + e.getKey(), "width must be 1..64 bits");
            }
            out.put(bits, energy(e.getValue(), path + "." + e.getKey()));
        }
        return out;
    }

    private static double energy(JsonNode v, String path) {
        if (v == null || !v.isNumber() || !(v.asDouble() >= 0) || Double.isInfinite(v.asDouble())) {
            throw new UserInputException(path, "expected a non-negative number of pJ, got " + v);
        }
        return v.asDouble();
    }

    private static String level(JsonNode root, String field, String base, Map<String, Double> memory, String source) {
        JsonNode v = root.get(field);
        String name = v == null ? base : v.asText();
        if (name == null || !memory.containsKey(name)) {
            throw new UserInputException(
                    source + ": " + field,
                    "'" + name + "' is not a level of memory_pj_per_64bit (" + String.join(", ", memory.keySet())
                            + ")");
        }
        return name;
    }

    /** Energy of one multiply of a {@code wBits} by an {@code aBits} operand. */
    public double multiply(boolean integer, int wBits, int aBits) {
        NavigableMap<Integer, Double> t = integer ? intMultiply : floatMultiply;
        // A key of b bits is a b x b multiplier: interpolate over the product of the widths.
        NavigableMap<Double, Double> squared = new TreeMap<>();
        t.forEach((b, e) -> squared.put((double) b * b, e));
        return interpolate(squared, (double) wBits * aBits);
    }

    /** Energy of one add of {@code bits}-wide operands. */
    public double add(boolean integer, int bits) {
        NavigableMap<Double, Double> linear = new TreeMap<>();
        (integer ? intAdd : floatAdd).forEach((b, e) -> linear.put((double) b, e));
        return interpolate(linear, bits);
    }

    /** Energy of moving {@code bits} to or from memory {@code level}. */
    public double memory(String level, double bits) {
        return memory.get(level) * bits / 64;
    }

    /** Linear between entries, proportional to x below the first and above the last. */
    static double interpolate(NavigableMap<Double, Double> t, double x) {
        var lo = t.floorEntry(x);
        var hi = t.ceilingEntry(x);
        if (lo == null) {
            return hi.getValue() * x / hi.getKey();
        }
        if (hi == null) {
            return lo.getValue() * x / lo.getKey();
        }
        if (lo.getKey().equals(hi.getKey())) {
            return lo.getValue();
        }
        return lo.getValue() + (hi.getValue() - lo.getValue()) * (x - lo.getKey()) / (hi.getKey() - lo.getKey());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
