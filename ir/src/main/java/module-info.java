/** BitBudget's model of a network: graphs, tensors, number formats and precision configs. */
module org.bitbudget.ir {
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;

    exports org.bitbudget.ir;
    exports org.bitbudget.ir.graph;
    exports org.bitbudget.ir.precision;
    exports org.bitbudget.ir.quant;
    exports org.bitbudget.ir.tensor;
}
