package org.bitbudget.ops.compute;

/**
 * The MT19937 generator with the seeding and 53-bit doubles of NumPy's legacy
 * {@code np.random.seed(s); np.random.uniform(0, 1, n)}: a seeded Dropout in training mode draws
 * exactly the mask ONNX's reference implementation draws, so its results can be checked value
 * for value.
 */
public final class MersenneTwister {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER = 0x80000000;
    private static final int LOWER = 0x7fffffff;

    private final int[] state = new int[N];
    private int position = N;

    /** A generator seeded as {@code np.random.seed(seed)} seeds it (seed taken modulo 2³²). */
    public MersenneTwister(long seed) {
        state[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;
        }
    }

    /** The next 32 random bits. */
    public int nextInt() {
        if (position >= N) {
            twist();
        }
        int y = state[position++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        return y ^ (y >>> 18);
    }

    /** The next double in [0, 1) with 53 random bits, NumPy's {@code random_sample}. */
    public double nextDouble() {
        long a = (nextInt() >>> 5) & 0xffffffffL;
        long b = (nextInt() >>> 6) & 0xffffffffL;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (state[i] & UPPER) | (state[(i + 1) % N] & LOWER);
            state[i] = state[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        position = 0;
    }
}
