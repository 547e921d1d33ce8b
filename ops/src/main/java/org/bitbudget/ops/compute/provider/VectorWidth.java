package org.bitbudget.ops.compute.provider;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.VectorShape;

/**
 * The vector shape a Vector API kernel class runs at. A kernel class takes its species from here in
 * static finals, e.g. {@code VectorSpecies.of(float.class, VectorWidth.of(MethodHandles.lookup()))}:
 * the JIT compiles vector code to registers only for constant species (an SGEMM holding its species
 * in an instance field ran 25 times slower, measured). The class itself runs at the widest width of
 * this JVM; the copies {@link KernelProvider} makes for other widths carry their width as class data.
 */
public final class VectorWidth {

    private VectorWidth() {}

    /**
     * The shape of the kernel class whose {@code MethodHandles.lookup()} this is.
     *
     * @throws IllegalStateException for a hidden class the provider did not define
     */
    public static VectorShape of(MethodHandles.Lookup kernel) {
        if (!kernel.lookupClass().isHidden()) {
            return VectorShape.preferredShape();
        }
        try {
            Integer bits = MethodHandles.classData(kernel, ConstantDescs.DEFAULT_NAME, Integer.class);
            if (bits == null) {
                throw new IllegalStateException(kernel.lookupClass() + " was defined without a vector width");
            }
            return VectorShape.forBitSize(bits);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the lookup of " + kernel.lookupClass() + " has lost its access", e);
        }
    }

    /** The widest vector, in bits, this JVM compiles to registers (the CPU, capped by -XX:MaxVectorSize). */
    static int widest() {
        return VectorShape.preferredShape().vectorBitSize();
    }
}
