/** Dense tensors, their shapes and element types. */
package org.bitbudget.model.tensor;
