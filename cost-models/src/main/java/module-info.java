/** Cost models (size, BOPs, energy, accumulator, latency) and cost tables. */
module org.bitbudget.costs {
    requires transitive org.bitbudget.ir;
    requires org.bitbudget.ops;
    requires org.bitbudget.engine;
    requires org.bitbudget.kernels;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.csv;
    requires com.fasterxml.jackson.dataformat.yaml;

    exports org.bitbudget.costs;
    exports org.bitbudget.costs.latency to
            org.bitbudget.cli;
}
