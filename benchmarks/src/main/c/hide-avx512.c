/*
 * Preloaded library that makes this process see a CPU without AVX-512, so that an AVX-512 machine
 * can measure what an AVX2-only CPU runs: HotSpot then compiles for AVX2 (256-bit vectors, 16
 * registers) and ONNX Runtime picks its AVX2 kernels, both from the same CPUID answer. A JVM flag
 * (-XX:UseAVX=2) limits only the JVM, and ONNX Runtime would keep its AVX-512 kernels.
 *
 * Linux's CPUID faulting (arch_prctl ARCH_SET_CPUID, "cpuid_fault" in /proc/cpuinfo) turns every
 * CPUID instruction of this process into a SIGSEGV; the handler below runs the real instruction
 * with faulting briefly off, clears the AVX-512, AMX and AVX10 bits of leaf 7 (and answers leaf
 * 0x24, AVX10's, with zeros) and steps over it. Threads inherit the setting; a child that calls
 * execve gets it again only through LD_PRELOAD, so a child started with a cleared environment sees
 * the real CPU. HotSpot keeps a handler installed before it starts and calls it for the faults it
 * does not own (its UseSignalChaining, on by default); any other fault then still ends the process,
 * but without HotSpot's hs_err report.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <cpuid.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

/* Leaf 7 sub-leaf 0, EBX: avx512f, dq, ifma, pf, er, cd, bw, vl. */
#define EBX_AVX512 ((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) \
                    | (1u << 30) | (1u << 31))
/* ECX: avx512_vbmi, vbmi2, vnni, bitalg, vpopcntdq. */
#define ECX_AVX512 ((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14))
/* EDX: avx512_4vnniw, 4fmaps, vp2intersect, fp16, amx_bf16, amx_tile, amx_int8. */
#define EDX_AVX512 ((1u << 2) | (1u << 3) | (1u << 8) | (1u << 23) | (1u << 22) | (1u << 24) \
                    | (1u << 25))
/* Leaf 7 sub-leaf 1, EAX: avx512_bf16, amx_fp16; EDX: amx_complex, avx10. */
#define EAX1_AVX512 ((1u << 5) | (1u << 21))
#define EDX1_AVX512 ((1u << 8) | (1u << 19))
#define LEAF_AVX10 0x24u

static struct sigaction previous;

static long cpuid_faulting(int on) {
    return syscall(SYS_arch_prctl, ARCH_SET_CPUID, on ? 0 : 1);
}

static void on_fault(int sig, siginfo_t *info, void *context);

/*
 * Not a CPUID: if this handler is still the installed one, put the previous one back and return,
 * so the instruction faults again and that handler sees the real fault. If HotSpot called it as a
 * chained handler, returning would make HotSpot run the instruction again forever, so say where
 * the fault was and end the process the default way.
 */
static void give_up(int sig, siginfo_t *info, const unsigned char *pc) {
    struct sigaction current;
    sigaction(SIGSEGV, NULL, &current);
    if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == on_fault) {
        sigaction(SIGSEGV, &previous, NULL);
        return;
    }
    char line[128];
    int length = snprintf(line, sizeof line, "hide-avx512: SIGSEGV at pc %p, address %p\n",
                          (const void *) pc, info->si_addr);
    if (length > 0) {
        (void) !write(2, line, (size_t) length);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_fault(int sig, siginfo_t *info, void *context) {
    greg_t *regs = ((ucontext_t *) context)->uc_mcontext.gregs;
    const unsigned char *pc = (const unsigned char *) regs[REG_RIP];
    /* A faulted CPUID arrives as a general-protection fault (SI_KERNEL); only then is pc readable. */
    if (info->si_code != SI_KERNEL || pc[0] != 0x0f || pc[1] != 0xa2) {
        give_up(sig, info, pc);
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
        d &= ~EDX1_AVX512;
    } else if (leaf == LEAF_AVX10) {
        a = b = c = d = 0;
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
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &action, &previous);
    if (cpuid_faulting(1) != 0) {
        (void) !write(2, refused, sizeof refused - 1);
        _exit(2);
    }
}
