/** The float32 reference engine and fake-quantized evaluation. */
module org.bitbudget.engine {
    requires transitive org.bitbudget.ir;
    requires transitive org.bitbudget.ops;

    exports org.bitbudget.engine;
}
