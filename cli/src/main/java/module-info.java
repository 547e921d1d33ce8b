/** The {@code bitbudget} command line; it exports nothing, picocli reads its commands reflectively. */
module org.bitbudget.cli {
    requires org.bitbudget.experiments;
    requires org.bitbudget.onnx;
    requires org.bitbudget.training;
    requires org.bitbudget.kernels;
    requires org.bitbudget.ops;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.csv;
    requires org.tribuo.util.onnx;
    requires com.google.protobuf;
    requires jdk.unsupported;

    opens org.bitbudget.cli to
            info.picocli;
    opens org.bitbudget.cli.conformance to
            info.picocli;
}
