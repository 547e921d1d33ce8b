/** Data sets: idx files (Fashion-MNIST, MNIST, any folder of them) and input normalisation. */
package org.bitbudget.model.data;
