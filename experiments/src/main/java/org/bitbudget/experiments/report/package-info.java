/** The static HTML dashboard of a results CSV ({@link org.bitbudget.experiments.report.Dashboard}). */
package org.bitbudget.experiments.report;
