/*
 * Preloaded library that makes this process see a CPU without AVX-512, so that an AVX-512 machine
 * can measure what an AVX2-only CPU runs: HotSpot then compiles for AVX2 (256-bit vectors, 16
 * registers) and ONNX Runtime picks its AVX2 kernels, both from the same CPUID answer. A JVM flag
 * (-XX:UseAVX=2) limits only the JVM, and ONNX Runtime would keep its AVX-512 kernels.
 *
 * Linux's CPUID faulting (arch_prctl ARCH_SET_CPUID, "cpuid_fault" in /proc/cpuinfo) turns every
 * CPUID instruction of this process into a SIGSEGV; the handler below runs the real instruction
 * with faulting briefly off, clears the AVX-512 bits of leaf 7 and steps over it. The setting is
 * inherited by every thread and child process. HotSpot keeps a handler installed before it starts
 * and calls it for the faults it does not own (its UseSignalChaining, on by default).
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <cpuid.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

/* Leaf 7 sub-leaf 0, EBX: avx512f, dq, ifma, pf, er, cd, bw, vl. */
#define EBX_AVX512 ((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) \
                    | (1u << 30) | (1u << 31))
/* ECX: avx512_vbmi, vbmi2, vnni, bitalg, vpopcntdq. */
#define ECX_AVX512 ((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14))
/* EDX: avx512_4vnniw, 4fmaps, vp2intersect, fp16. */
#define EDX_AVX512 ((1u << 2) | (1u << 3) | (1u << 8) | (1u << 23))
/* Leaf 7 sub-leaf 1, EAX: avx512_bf16. */
#define EAX1_AVX512 (1u << 5)

static struct sigaction previous;

static long cpuid_faulting(int on) {
    return syscall(SYS_arch_prctl, ARCH_SET_CPUID, on ? 0 : 1);
}

static void on_fault(int sig, siginfo_t *info, void *context) {
    greg_t *regs = ((ucontext_t *) context)->uc_mcontext.gregs;
    const unsigned char *pc = (const unsigned char *) regs[REG_RIP];
    (void) info;
    if (pc[0] != 0x0f || pc[1] != 0xa2) {
        sigaction(SIGSEGV, &previous, NULL);
        raise(sig);
        return;
    }
    unsigned leaf = (unsigned) regs[REG_RAX], subleaf = (unsigned) regs[REG_RCX];
    unsigned a, b, c, d;
    cpuid_faulting(0);
    __cpuid_count(leaf, subleaf, a, b, c, d);
    cpuid_faulting(1);
    if (leaf == 7 && subleaf == 0) {
        b &= ~EBX_AVX512;
        c &= ~ECX_AVX512;
        d &= ~EDX_AVX512;
    } else if (leaf == 7 && subleaf == 1) {
        a &= ~EAX1_AVX512;
    }
    regs[REG_RAX] = a;
    regs[REG_RBX] = b;
    regs[REG_RCX] = c;
    regs[REG_RDX] = d;
    regs[REG_RIP] += 2;
}

__attribute__((constructor)) static void hide_avx512(void) {
    static const char refused[] =
        "hide-avx512: this kernel or CPU refused CPUID faulting (arch_prctl ARCH_SET_CPUID)\n";
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &action, &previous);
    if (cpuid_faulting(1) != 0) {
        (void) !write(2, refused, sizeof refused - 1);
        _exit(2);
    }
}
