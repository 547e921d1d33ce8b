package org.bitbudget.ops.compute;

/**
 * A Relu, Clip or HardSwish that a Conv or Gemm step applies to its own result, in place, as soon as that
 * result is computed (see {@code FloatEngine.plan()}). Each variant runs the very loop the
 * standalone operator runs ({@link Elementwise#relu}, {@link Elementwise#clip},
 * {@link Elementwise#hardSwish}) on the very floats
 * the standalone operator would read, so fusing changes when the values are written, never what
 * they are.
 */
public sealed interface Activation {

    /** Replaces each of {@code v[from, to)} by its activation. */
    void applyInPlace(float[] v, int from, int to);

    /** ONNX Relu. */
    record Relu() implements Activation {
        @Override
        public void applyInPlace(float[] v, int from, int to) {
            Elementwise.relu(v, v, from, to);
        }
    }

    /** ONNX Clip with bounds known when the plan is compiled. */
    record Clip(float min, float max) implements Activation {
        @Override
        public void applyInPlace(float[] v, int from, int to) {
            Elementwise.clip(v, v, from, to, min, max);
        }
    }

    /** ONNX HardSwish (opset 14). */
    record HardSwish() implements Activation {
        @Override
        public void applyInPlace(float[] v, int from, int to) {
            Elementwise.hardSwish(v, v, from, to);
        }
    }
}
