/**
 * The library entry point of a search run: {@link org.bitbudget.pipeline.SearchPipeline} runs the
 * phases candidates → sensitivity → costs → problem → strategy → Pareto → guarantee → evaluation, each a small
 * class that takes and returns immutable values, and returns an immutable
 * {@link org.bitbudget.pipeline.SearchPipeline.Result}. Settings that cannot work are
 * {@link org.bitbudget.pipeline.SettingException}s naming the {@link org.bitbudget.pipeline.Setting}.
 */
package org.bitbudget.pipeline;
