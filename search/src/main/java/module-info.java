/** Search problems and strategies: ILP, genetic, NSGA-II, greedy and baselines. */
module org.bitbudget.search {
    requires io.jenetics.base;
    requires io.jenetics.ext;
    requires ojalgo;

    exports org.bitbudget.search;
}
