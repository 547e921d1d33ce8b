/**
 * The operator registry (one descriptor per ONNX operator) and the float kernels. The kernel packages
 * are the engine's and the kernel modules' business, so they are exported to those modules only.
 */
module org.bitbudget.ops {
    requires transitive org.bitbudget.ir;
    requires jdk.incubator.vector;

    exports org.bitbudget.ops;
    exports org.bitbudget.ops.compute to
            org.bitbudget.engine,
            org.bitbudget.kernels,
            org.bitbudget.onnx;
    exports org.bitbudget.ops.compute.blocked to
            org.bitbudget.engine,
            org.bitbudget.kernels;
    exports org.bitbudget.ops.compute.provider to
            org.bitbudget.kernels;
    exports org.bitbudget.ops.compute.sgemm to
            org.bitbudget.engine,
            org.bitbudget.kernels,
            org.bitbudget.onnx;
    exports org.bitbudget.ops.gradients to
            org.bitbudget.sensitivity,
            org.bitbudget.training;
    exports org.bitbudget.ops.inspect to
            org.bitbudget.cli,
            org.bitbudget.costs;

    uses org.bitbudget.ops.compute.provider.KernelFamily;

    provides org.bitbudget.ops.compute.provider.KernelFamily with
            org.bitbudget.ops.compute.sgemm.SgemmFamily,
            org.bitbudget.ops.compute.pool.MaxPoolFamily,
            org.bitbudget.ops.compute.depthwise.DepthwiseConvFamily,
            org.bitbudget.ops.compute.scale.ScaleRunFamily,
            org.bitbudget.ops.compute.sgemm.BlockedSgemmFamily,
            org.bitbudget.ops.compute.blocked.BlockedDepthwiseConvFamily,
            org.bitbudget.ops.compute.blocked.BlockedPoolingFamily,
            org.bitbudget.ops.compute.blocked.BlockedScaleFamily;
}
