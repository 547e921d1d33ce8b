/**
 * The integer engine on Vector API int8/int16/bit-serial kernels. Its kernels reach the operators
 * through the {@code KernelFamily} service; the GEMM package is exported to the cost models, which
 * time it.
 */
module org.bitbudget.kernels {
    requires transitive org.bitbudget.engine;
    requires org.bitbudget.ops;
    requires jdk.incubator.vector;

    exports org.bitbudget.kernels.engine;
    exports org.bitbudget.kernels.gemm to
            org.bitbudget.costs;

    provides org.bitbudget.ops.compute.provider.KernelFamily with
            org.bitbudget.kernels.gemm.IntGemmFamily,
            org.bitbudget.kernels.bitserial.BitSerialFamily,
            org.bitbudget.kernels.bitserial.PlanePackerFamily,
            org.bitbudget.kernels.gemm.FmaIntGemmFamily,
            org.bitbudget.kernels.gemm.PairedFmaIntGemmFamily,
            org.bitbudget.kernels.requant.RequantizerFamily,
            org.bitbudget.kernels.depthwise.DepthwiseIntConvFamily,
            org.bitbudget.kernels.elementwise.IslandElementwiseFamily;
}
