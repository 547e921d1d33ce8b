/** Dense tensors, their shapes and element types. */
package org.bitbudget.ir.tensor;
