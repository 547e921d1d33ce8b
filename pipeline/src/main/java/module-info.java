/** The library entry point: {@code SearchPipeline} runs a whole search. */
module org.bitbudget.pipeline {
    requires transitive org.bitbudget.ir;
    requires transitive org.bitbudget.data;
    requires transitive org.bitbudget.engine;
    requires transitive org.bitbudget.sensitivity;
    requires transitive org.bitbudget.costs;
    requires transitive org.bitbudget.search;
    requires org.bitbudget.kernels;
    requires jdk.incubator.vector;

    exports org.bitbudget.pipeline;
}
