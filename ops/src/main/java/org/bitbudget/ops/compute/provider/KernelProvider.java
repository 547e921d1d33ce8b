package org.bitbudget.ops.compute.provider;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses, once per JVM, every kernel the engines run: the Vector API implementation of each
 * {@link KernelFamily} at one vector width, or its scalar twin, and says why in one log line naming
 * every registered family's choice. The width is the widest this JVM compiles to registers (the
 * CPU's, capped by {@code -XX:MaxVectorSize}); the system property {@value #BITS_PROPERTY} (128, 256
 * or 512) forces a narrower one, and {@value #VECTOR_PROPERTY}{@code =false} forces scalar kernels.
 * Without {@code --add-modules jdk.incubator.vector} every kernel is scalar and the line is a
 * warning naming that flag.
 *
 * <p>This class names no class of the Vector API, so it loads on any JVM; the vector kernels are
 * made by a factory it loads by name once the module is known to be there. The log line is DEBUG
 * when every family runs vectors at the widest width, INFO when a property chose, WARNING otherwise.
 */
public final class KernelProvider {
    /** Set to {@code false} to run every kernel scalar. */
    public static final String VECTOR_PROPERTY = "bitbudget.vector";
    /** Set to 128, 256 or 512 to force that vector width (capped at the widest the JVM supports). */
    public static final String BITS_PROPERTY = "bitbudget.vector.bits";

    private static final String MODULE = "jdk.incubator.vector";
    private static final String FACTORY = "org.bitbudget.ops.compute.provider.PanamaKernelFactory";
    private static final int NARROWEST = 128;
    /** The widest width the kernels are written for (a plane packer's byte vector must divide a word). */
    private static final int WIDEST = 512;

    private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());
    private static final KernelFactory VECTORS = loadFactory();
    private static final KernelChoice CHOICE =
            decide(System.getProperty(VECTOR_PROPERTY), System.getProperty(BITS_PROPERTY), VECTORS != null, widest());
    private static final Map<Class<?>, Object> IN_USE = new ConcurrentHashMap<>();

    static {
        logChoice();
    }

    private KernelProvider() {}

    /** The choice for this JVM. */
    public static KernelChoice choice() {
        return CHOICE;
    }

    /** The family's kernel in use in this JVM: the same instance on every call. */
    @SuppressWarnings("unchecked") // IN_USE maps each family's class to a kernel of that family
    public static <K> K get(KernelFamily<K> family) {
        return (K) IN_USE.computeIfAbsent(family.getClass(), type -> at(family, CHOICE.bits()));
    }

    /**
     * The kernel this provider would choose at {@code bits}: the Vector API one at that width if it
     * is at least the family's {@link KernelFamily#minimumBits()}, else (and for 0) the scalar twin.
     *
     * @throws IllegalArgumentException if {@code bits} is neither 0 nor one of {@link #widths()}
     */
    public static <K> K at(KernelFamily<K> family, int bits) {
        if (bits == 0) {
            return family.scalar();
        }
        checkWidth(bits);
        return bits >= family.minimumBits() ? VECTORS.vector(family, bits) : family.scalar();
    }

    /**
     * The family's Vector API kernel at {@code bits}, even below its minimum width: what differential
     * tests and benchmarks compare with the scalar twin at every width of {@link #widths()}.
     *
     * @throws IllegalArgumentException if this JVM cannot run {@code bits}-bit vectors
     */
    public static <K> K vector(KernelFamily<K> family, int bits) {
        checkWidth(bits);
        return VECTORS.vector(family, bits);
    }

    private static void checkWidth(int bits) {
        if (!widths().contains(bits)) {
            throw new IllegalArgumentException(bits + "-bit vectors cannot run in this JVM; it runs " + widths()
                    + (VECTORS == null ? " (it was started without --add-modules " + MODULE + ")" : ""));
        }
    }

    /** The vector widths, in bits, this JVM runs (128 up to the widest), narrowest first; none without the module. */
    public static List<Integer> widths() {
        List<Integer> widths = new ArrayList<>();
        for (int bits = NARROWEST; bits <= widest(); bits *= 2) {
            widths.add(bits);
        }
        return List.copyOf(widths);
    }

    /** The widest vector, in bits, the kernels run at in this JVM; 0 without the module. */
    private static int widest() {
        return VECTORS == null ? 0 : Math.min(VECTORS.widestBits(), WIDEST);
    }

    /** The vector width of a kernel from this provider, or 0 for a scalar one. */
    public static int bits(Object kernel) {
        return VECTORS == null ? 0 : VECTORS.bits(kernel);
    }

    /**
     * The decision, from the two properties' values (null when unset), whether the module is present,
     * and the widest vector the JVM runs.
     */
    static KernelChoice decide(String vector, String bits, boolean module, int widest) {
        if ("false".equalsIgnoreCase(vector)) {
            return new KernelChoice(0, VECTOR_PROPERTY + "=false");
        }
        if (!module) {
            return new KernelChoice(0, "the JVM was started without --add-modules " + MODULE);
        }
        if (widest < NARROWEST) {
            return new KernelChoice(0, "the widest vector of this JVM has only " + widest + " bits");
        }
        String widestReason = "the widest this JVM runs";
        if (bits == null) {
            return new KernelChoice(widest, widestReason);
        }
        int forced = switch (bits.strip()) {
            case "128" -> 128;
            case "256" -> 256;
            case "512" -> 512;
            default -> 0;
        };
        if (forced == 0) {
            return new KernelChoice(widest, BITS_PROPERTY + "=" + bits + " is not 128, 256 or 512, so " + widestReason);
        }
        if (forced > widest) {
            return new KernelChoice(widest, BITS_PROPERTY + "=" + bits + " capped at " + widest + ", " + widestReason);
        }
        return new KernelChoice(forced, BITS_PROPERTY + "=" + bits);
    }

    private static KernelFactory loadFactory() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return null;
        }
        try {
            Class<?> type = Class.forName(FACTORY);
            return (KernelFactory) MethodHandles.lookup()
                    .findConstructor(type, MethodType.methodType(void.class))
                    .invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("cannot load the Vector API kernels", e);
        }
    }

    /** The one log line: the width and why, then every registered family's kernel. */
    @SuppressWarnings({"rawtypes", "unchecked"}) // a service type is a raw class
    private static void logChoice() {
        if (!CHOICE.vector()) {
            boolean asked = CHOICE.reason().startsWith(VECTOR_PROPERTY);
            String slow = VECTORS == null
                    ? "; the scalar kernels are many times slower (a search that takes 40 s "
                            + "takes minutes): add --add-modules " + MODULE + " to the java command line"
                    : "";
            LOG.log(asked ? Level.INFO : Level.WARNING, "kernels: scalar, because " + CHOICE.reason() + slow);
            return;
        }
        List<String> kernels = new ArrayList<>();
        boolean narrow = false;
        for (KernelFamily family : ServiceLoader.load(KernelFamily.class, KernelProvider.class.getClassLoader())) {
            boolean vector = bits(get(family)) > 0;
            narrow |= !vector;
            kernels.add(family.name()
                    + (vector
                            ? " vector"
                            : " scalar (its vector kernel needs " + family.minimumBits() + "-bit vectors)"));
        }
        boolean forced = System.getProperty(BITS_PROPERTY) != null;
        Level level = narrow && !forced ? Level.WARNING : forced ? Level.INFO : Level.DEBUG;
        LOG.log(
                level,
                "kernels: " + CHOICE.bits() + "-bit Vector API (" + CHOICE.reason() + "): "
                        + String.join(", ", kernels));
    }
}
