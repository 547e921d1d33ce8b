/**
 * Data sources: the {@link org.bitbudget.data.DataSource} interface, the registry of formats that
 * open them ({@link org.bitbudget.data.DataSources}), idx files (Fashion-MNIST, MNIST, any folder of
 * them), per-channel input normalisation and top-1 scoring.
 */
package org.bitbudget.data;
