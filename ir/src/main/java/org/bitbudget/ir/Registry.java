package org.bitbudget.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The entries of one extension point by name (estimators, cost models, ...), in registration
 * order: what builds each one, and the one-line description help texts show. Immutable; names are
 * lower case and looked up ignoring case.
 *
 * <pre>{@code
 * Registry<Estimators.Entry> r = Registry.of("estimator", List.of(new Entry("roundoff", "...", ...), ...));
 * r.get("roundoff").factory().get();   // or UnknownNameException: estimator 'x' is not one of ...
 * }</pre>
 *
 * @param <E> the entry type of the extension point
 */
public final class Registry<E extends Registry.Entry> {
    /** What every entry has: the name users type and a one-line description for help texts. */
    public interface Entry {
        /** The name, lower case, e.g. {@code roundoff}. */
        String name();

        /**
         * One line for help texts, short enough to fit beside the name in an 80-column {@code --help}
         * (about 33 characters), without a trailing period.
         */
        String description();
    }

    private final String kind;
    private final Map<String, E> entries;

    private Registry(String kind, Map<String, E> entries) {
        this.kind = kind;
        this.entries = entries;
    }

    /**
     * The registry of {@code entries}.
     *
     * @param kind what an entry is, as errors name it, e.g. {@code estimator}
     * @throws IllegalArgumentException for a name twice, a name not in lower case, or an empty description
     */
    public static <E extends Entry> Registry<E> of(String kind, List<E> entries) {
        Map<String, E> map = new LinkedHashMap<>();
        for (E e : entries) {
            if (!e.name().equals(e.name().strip().toLowerCase(Locale.ROOT))
                    || e.name().isEmpty()) {
                throw new IllegalArgumentException(kind + " '" + e.name() + "': names are lower case, without spaces");
            }
            if (e.description() == null || e.description().isBlank()) {
                throw new IllegalArgumentException(kind + " '" + e.name() + "' has no description");
            }
            if (map.putIfAbsent(e.name(), e) != null) {
                throw new IllegalArgumentException(kind + " '" + e.name() + "' is registered twice");
            }
        }
        return new Registry<>(kind, Collections.unmodifiableMap(map));
    }

    /** What an entry is, as errors name it, e.g. {@code estimator}. */
    public String kind() {
        return kind;
    }

    /**
     * The entry called {@code name}, ignoring case and surrounding spaces.
     *
     * @throws UnknownNameException when there is none
     */
    public E get(String name) {
        E e = entries.get(name.strip().toLowerCase(Locale.ROOT));
        if (e == null) {
            throw new UnknownNameException(kind, name, names());
        }
        return e;
    }

    /** Whether {@link #get} finds {@code name}. */
    public boolean contains(String name) {
        return entries.containsKey(name.strip().toLowerCase(Locale.ROOT));
    }

    /** Every name, in registration order. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** Every entry, in registration order. */
    public List<E> entries() {
        return List.copyOf(entries.values());
    }
}
