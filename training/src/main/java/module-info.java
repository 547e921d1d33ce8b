/** The double-precision backward pass, SGD training and the model zoo. */
module org.bitbudget.training {
    requires transitive org.bitbudget.ir;
    requires transitive org.bitbudget.data;
    requires transitive org.bitbudget.engine;
    requires org.bitbudget.ops;

    exports org.bitbudget.training;
    exports org.bitbudget.training.zoo;
}
