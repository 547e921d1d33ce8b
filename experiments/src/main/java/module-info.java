/** Experiment batches (grids of runs, resume, shards), result files and the HTML dashboard. */
module org.bitbudget.experiments {
    requires transitive org.bitbudget.pipeline;
    requires org.bitbudget.onnx;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.csv;
    requires com.fasterxml.jackson.dataformat.yaml;

    exports org.bitbudget.experiments.batch;
    exports org.bitbudget.experiments.report;
}
