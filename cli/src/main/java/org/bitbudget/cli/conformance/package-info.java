/** Runs ONNX's own backend test cases through the float engine and reports pass, fail or unsupported. */
package org.bitbudget.cli.conformance;
