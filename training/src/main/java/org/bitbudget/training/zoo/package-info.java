/** Models BitBudget builds itself (lenet5, resnet8, dwsep), with or without BatchNorm. */
package org.bitbudget.training.zoo;
