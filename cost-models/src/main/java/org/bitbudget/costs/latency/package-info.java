/**
 * The latency cost model: measured on this machine's engines and cached per machine and JDK
 * ({@link org.bitbudget.costs.latency.MeasuredLatency}), estimated by a roofline
 * ({@link org.bitbudget.costs.latency.RooflineLatency}), or read from a user's table
 * ({@link org.bitbudget.costs.latency.TableLatency}).
 */
package org.bitbudget.costs.latency;
