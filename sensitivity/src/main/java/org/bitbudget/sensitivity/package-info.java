/**
 * Sensitivity estimators: how much damage each layer takes in each candidate precision (higher =
 * more damage), behind one interface, {@link org.bitbudget.sensitivity.SensitivityEstimator}.
 *
 * <ul>
 *   <li>{@code roundoff} (MixQuant) — relative roundoff error of the weights (and inputs);</li>
 *   <li>{@code bit-gradient} (BMPQ) — loss gradient reaching the removed bit planes of the int8 code;</li>
 *   <li>{@code hessian} (HAWQ-V2) — Hutchinson Hessian trace per weight × ‖Q(W) − W‖²;</li>
 *   <li>{@code output-mse} — MSE of the logits with only that layer quantized;</li>
 *   <li>{@code measured} — loss and accuracy change with only that layer quantized (the ground truth).</li>
 * </ul>
 *
 * <pre>{@code
 * SensitivityProblem p = SensitivityProblem.builder(graph).calibration(images, labels)
 *         .precisions(candidates).seed(0).build();
 * SensitivityTable t = Estimators.of("hessian").estimate(p, ProgressListener.NONE);
 * double s = t.score("/c1/Conv", candidates.getFirst());
 * Leaderboard board = Leaderboard.of(t, new MeasuredEstimator().estimate(p.withData(test, testLabels), ProgressListener.NONE));
 * }</pre>
 */
package org.bitbudget.sensitivity;
