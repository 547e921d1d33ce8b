/** ONNX import and QDQ export. */
module org.bitbudget.onnx {
    requires transitive org.bitbudget.ir;
    requires org.bitbudget.ops;
    requires org.tribuo.util.onnx;
    requires com.google.protobuf;

    exports org.bitbudget.onnx;
}
