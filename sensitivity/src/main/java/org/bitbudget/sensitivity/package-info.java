/** Sensitivity estimators: how much damage each layer takes in each format (grows in a later issue). */
package org.bitbudget.sensitivity;
