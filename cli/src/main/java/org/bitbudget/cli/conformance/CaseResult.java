package org.bitbudget.cli.conformance;

/**
 * The outcome of one ONNX backend test case.
 *
 * @param name        the case folder's name, e.g. {@code test_conv_with_strides_padding}
 * @param status      passed, failed or unsupported
 * @param op          the operator types of the case's model, comma-separated; for an unsupported
 *                    case, the missing operator or feature
 * @param maxAbsError the largest absolute difference over every output value (NaN when not run)
 * @param maxRelError the largest difference relative to the expected magnitude (NaN when not run)
 * @param detail      why a case failed or is unsupported; empty when it passed
 */
public record CaseResult(String name, Status status, String op, double maxAbsError, double maxRelError, String detail) {

    /** How a case ended. */
    public enum Status {
        PASSED,
        FAILED,
        UNSUPPORTED
    }
}
