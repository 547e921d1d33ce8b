/** Vector API integer kernels, requantization and the integer engine (grows in a later issue). */
package org.bitbudget.kernels;
