/** Cost models: size, BOPs, energy, accumulator width and latency of each layer's precision (grows in a later issue). */
package org.bitbudget.costs;
