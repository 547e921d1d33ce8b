/**
 * JMH benchmarks of BitBudget's float path. {@link org.bitbudget.benchmarks.FloatEngineBenchmark}
 * compares the float engine with ONNX Runtime on lenet5.onnx (images/s; ratio = ours / ORT at the
 * same batch and thread count); {@link org.bitbudget.benchmarks.SgemmBenchmark} compares the
 * Vector API SGEMM with its scalar twin (GFLOP/s) at lenet5's layer shapes.
 *
 * <p>Build, then run from the project root (the benchmarks find {@code ../shared/models/lenet5.onnx}
 * from there; elsewhere pass {@code -Dbitbudget.model=PATH}):
 * <pre>
 * flock /tmp/bitbudget-mvn.lock mvn -q -DskipTests -pl benchmarks -am package
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      -cp 'benchmarks/target/benchmarks.jar:benchmarks/target/lib/*' \
 *      org.openjdk.jmh.Main -rf json -rff bench.json 'org.bitbudget.benchmarks.*'
 * </pre>
 * Every parameter set runs in forked JVMs (with {@code --add-modules jdk.incubator.vector}; two
 * forks for FloatEngineBenchmark, one for SgemmBenchmark), each doing 3 warm-up and 5 measured
 * iterations of 2 s; a full run takes about 7 minutes. On a machine that other jobs share, the
 * two-thread rows are the noisy ones: compare the per-iteration figures before trusting a ratio.
 * Pick one class with its simple name ({@code FloatEngineBenchmark}), a subset of parameters with
 * {@code -p batch=256 -p threads=2}, and list what exists with {@code -l}. JMH forks copy the
 * launching JVM's arguments, so system properties given to {@code java} reach the benchmarks.
 *
 * <p>Prefixed with {@code benchmarks/avx2-view}, the same command runs as on an AVX2-only CPU: the
 * library it preloads hides AVX-512 from CPUID in the JVM and its forks, so HotSpot compiles for AVX2
 * and ONNX Runtime picks its AVX2 kernels.
 */
package org.bitbudget.benchmarks;
