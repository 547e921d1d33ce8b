/** Data sets (Fashion-MNIST, NumPy, image folders), normalisation and metrics. */
module org.bitbudget.data {
    requires transitive org.bitbudget.ir;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires java.desktop;

    exports org.bitbudget.data;
    exports org.bitbudget.data.metric;
}
