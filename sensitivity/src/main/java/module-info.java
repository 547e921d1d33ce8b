/** Per-layer sensitivity estimators and their leaderboard. */
module org.bitbudget.sensitivity {
    requires transitive org.bitbudget.engine;
    requires transitive org.bitbudget.data;
    requires org.bitbudget.training;
    requires org.bitbudget.ops;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.csv;

    exports org.bitbudget.sensitivity;
}
