package org.bitbudget.benchmarks;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * What this process's CPUID instruction says, read by running it: the answer ONNX Runtime's native
 * kernels see. Under {@code benchmarks/avx2-view} (which sets {@code BITBUDGET_CPU_VIEW=avx2}) the
 * benchmarks call {@link #checkDeclaredView()} first, so a run whose view did not take (its library
 * removed by a build mid-run, a child started without the environment) stops instead of measuring
 * AVX-512 under an AVX2 label.
 */
final class CpuView {
    /** The environment variable {@code benchmarks/avx2-view} sets. */
    static final String VARIABLE = "BITBUDGET_CPU_VIEW";

    private static final int PAGE = 4096;
    private static final int PROT_READ_WRITE = 0x3;
    private static final int PROT_READ_EXEC = 0x5;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x22;
    private static final int AVX512F = 1 << 16;

    /** push rbx; mov eax, 7; xor ecx, ecx; cpuid; mov eax, ebx; pop rbx; ret. */
    private static final byte[] LEAF7_EBX = {
        0x53, (byte) 0xb8, 7, 0, 0, 0, 0x31, (byte) 0xc9, 0x0f, (byte) 0xa2, (byte) 0x89, (byte) 0xd8, 0x5b, (byte) 0xc3
    };

    private CpuView() {}

    /** Whether CPUID, run in this process on x86-64 Linux, reports AVX-512 Foundation. */
    static boolean reportsAvx512() {
        if (!"amd64".equals(System.getProperty("os.arch"))) {
            throw new UnsupportedOperationException(
                    "CPUID exists on x86-64 only, not on " + System.getProperty("os.arch"));
        }
        Linker linker = Linker.nativeLinker();
        MethodHandle mmap = libc(
                linker,
                "mmap",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        MethodHandle mprotect = libc(linker, "mprotect", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        MethodHandle munmap = libc(linker, "munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        try {
            MemorySegment page = ((MemorySegment) mmap.invokeExact(
                            MemorySegment.NULL, (long) PAGE, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L))
                    .reinterpret(PAGE);
            if (page.address() == -1L) {
                throw new IllegalStateException("mmap refused a page for the CPUID stub");
            }
            try {
                MemorySegment.copy(LEAF7_EBX, 0, page, JAVA_BYTE, 0, LEAF7_EBX.length);
                if ((int) mprotect.invokeExact(page, (long) PAGE, PROT_READ_EXEC) != 0) {
                    throw new IllegalStateException("mprotect refused to make the CPUID stub executable");
                }
                int ebx = (int) linker.downcallHandle(page, FunctionDescriptor.of(JAVA_INT))
                        .invokeExact();
                return (ebx & AVX512F) != 0;
            } finally {
                int ignored = (int) munmap.invokeExact(page, (long) PAGE);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("the CPUID stub failed", e);
        }
    }

    /** Stops a run declared as an AVX2 view whose CPUID still reports AVX-512. */
    static void checkDeclaredView() {
        if ("avx2".equals(System.getenv(VARIABLE)) && reportsAvx512()) {
            throw new IllegalStateException(VARIABLE + "=avx2, yet CPUID in this JVM reports AVX-512: the view's "
                    + "library did not load (was benchmarks/target cleaned during the run?)");
        }
    }

    private static MethodHandle libc(Linker linker, String name, FunctionDescriptor descriptor) {
        return linker.downcallHandle(
                linker.defaultLookup()
                        .find(name)
                        .orElseThrow(() -> new IllegalStateException("no " + name + " in libc")),
                descriptor);
    }
}
