/** Search strategies under hardware budgets and the library entry point of a search run (grows in a later issue). */
package org.bitbudget.search;
