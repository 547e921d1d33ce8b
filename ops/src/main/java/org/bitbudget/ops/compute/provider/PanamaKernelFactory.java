package org.bitbudget.ops.compute.provider;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Vector API side of {@link KernelProvider}, loaded by name and by nothing else. A kernel class
 * runs at the widest width ({@link VectorWidth}); for any other width this defines a copy of the
 * class as a hidden class whose class data is the width, so that every copy keeps its species in
 * static finals, the constants the JIT needs to compile vector code to registers.
 */
final class PanamaKernelFactory implements KernelFactory {
    private final Map<Key, Object> kernels = new ConcurrentHashMap<>();
    private final Map<Class<?>, Integer> widths = new ConcurrentHashMap<>();

    /** One kernel class at one width. */
    private record Key(Class<?> type, int bits) {}

    @Override
    public int widestBits() {
        return VectorWidth.widest();
    }

    @Override
    @SuppressWarnings("unchecked") // a copy is a hidden class: an instance of K but not of vectorClass()
    public <K> K vector(KernelFamily<K> family, int bits) {
        return (K) kernels.computeIfAbsent(new Key(family.vectorClass(), bits), key -> make(family, bits));
    }

    @Override
    public int bits(Object kernel) {
        return widths.getOrDefault(kernel.getClass(), 0);
    }

    private Object make(KernelFamily<?> family, int bits) {
        Class<?> type = family.vectorClass();
        try {
            MethodHandles.Lookup lookup = family.lookup();
            if (bits != widestBits()) {
                lookup = lookup.defineHiddenClassWithClassData(classBytes(type), bits, true);
            }
            Class<?> made = bits == widestBits() ? type : lookup.lookupClass();
            Object kernel = lookup.findConstructor(made, MethodType.methodType(void.class))
                    .invoke();
            widths.put(made, bits);
            return kernel;
        } catch (Throwable e) {
            throw new IllegalStateException(
                    "cannot make the " + bits + "-bit " + family.name() + " kernel from " + type.getName(), e);
        }
    }

    private static byte[] classBytes(Class<?> type) throws IOException {
        String file = type.getName().substring(type.getPackageName().length() + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(file)) {
            if (in == null) {
                throw new IOException("class file " + file + " not found beside " + type.getName());
            }
            return in.readAllBytes();
        }
    }
}
