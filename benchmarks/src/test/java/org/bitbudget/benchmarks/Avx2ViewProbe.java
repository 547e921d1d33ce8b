package org.bitbudget.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Run by {@link Avx2ViewTest} in a JVM of its own: prints the vector flags HotSpot chose from CPUID,
 * ONNX Runtime's logits for four seeded images on lenet5, and what CPUID says once ONNX Runtime has
 * loaded (the answer its kernels got), one per line.
 */
final class Avx2ViewProbe {
    static final int IMAGES = 4;

    private Avx2ViewProbe() {}

    public static void main(String[] args) throws OrtException {
        HotSpotDiagnosticMXBean flags = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        System.out.println("UseAVX=" + flags.getVMOption("UseAVX").getValue());
        System.out.println("MaxVectorSize=" + flags.getVMOption("MaxVectorSize").getValue());
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(Lenet5.modelPath().toString());
                OnnxTensor input = OnnxTensor.createTensor(
                        environment,
                        FloatBuffer.wrap(Lenet5.randomImages(IMAGES, Lenet5.SEED)),
                        new long[] {IMAGES, 1, 28, 28});
                OrtSession.Result result =
                        session.run(Map.of(session.getInputNames().iterator().next(), input))) {
            for (float[] logits : (float[][]) result.get(0).getValue()) {
                StringBuilder line = new StringBuilder("logits");
                for (float logit : logits) {
                    line.append(' ').append(logit);
                }
                System.out.println(line);
            }
        }
        System.out.println("avx512f=" + CpuView.reportsAvx512());
    }
}
