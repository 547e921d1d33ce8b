package org.bitbudget.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.IndexMap;

/**
 * ONNX Einsum (opset 12): the sum over every label the output does not keep of the product of the
 * inputs at their labelled coordinates. A label repeated within one term takes that term's diagonal;
 * without {@code ->} the output keeps the labels used once, in ASCII order; an ellipsis stands for the
 * same number of trailing-aligned axes in every term, broadcast where they have size 1, and leads an
 * implicit output.
 */
final class EinsumOperator implements OperatorDescriptor<EinsumOperator.Einsum> {
    /** The equation, spaces removed. */
    record Einsum(String equation) implements Op {
        public String type() {
            return "Einsum";
        }
    }

    /**
     * An equation resolved against the inputs' ranks: labels numbered from 0 (ellipsis axes first),
     * each input's label per axis, the output's labels.
     */
    private record Plan(int labels, int[][] inputs, int[] output) {}

    @Override
    public String type() {
        return "Einsum";
    }

    @Override
    public Einsum read(OnnxNode n) {
        String equation = n.getString("equation", null);
        if (equation == null) {
            throw n.error("attribute equation is missing");
        }
        return new Einsum(equation.replace(" ", ""));
    }

    @Override
    public Arity arity(Einsum op) {
        return Arity.atLeast(1);
    }

    @Override
    public void write(Einsum op, Node node, AttributeWriter out) {
        out.text("equation", op.equation());
    }

    private static Plan plan(String equation, int[] ranks) {
        int arrow = equation.indexOf("->");
        String lhs = arrow < 0 ? equation : equation.substring(0, arrow);
        String[] terms = lhs.split(",", -1);
        if (terms.length != ranks.length) {
            throw new IllegalArgumentException(
                    "equation '" + equation + "' has " + terms.length + " terms for " + ranks.length + " inputs");
        }
        int ellipsis = -1;
        for (int k = 0; k < terms.length; k++) {
            if (terms[k].contains("...")) {
                int dims = ranks[k] - (terms[k].length() - 3);
                if (dims < 0) {
                    throw new IllegalArgumentException("term '" + terms[k] + "' has more labels than rank " + ranks[k]);
                }
                ellipsis = Math.max(ellipsis, dims);
            }
        }
        ellipsis = Math.max(ellipsis, 0);
        // Letters get the numbers after the ellipsis axes, in ASCII order, which is the implicit output's.
        TreeMap<Character, Integer> letters = new TreeMap<>();
        TreeMap<Character, Integer> uses = new TreeMap<>();
        for (String t : terms) {
            for (char ch : t.replace("...", "").toCharArray()) {
                if (!Character.isLetter(ch)) {
                    throw new IllegalArgumentException("equation '" + equation + "' has label '" + ch + "'");
                }
                uses.merge(ch, 1, Integer::sum);
            }
        }
        int next = ellipsis;
        for (char ch : uses.keySet()) {
            letters.put(ch, next++);
        }
        int[][] inputs = new int[terms.length][];
        for (int k = 0; k < terms.length; k++) {
            inputs[k] = axes(terms[k], ranks[k], ellipsis, letters, equation);
        }
        int[] output;
        if (arrow < 0) {
            List<Integer> out = new ArrayList<>();
            for (int e = 0; e < ellipsis; e++) {
                out.add(e);
            }
            uses.forEach((ch, count) -> {
                if (count == 1) {
                    out.add(letters.get(ch));
                }
            });
            output = out.stream().mapToInt(Integer::intValue).toArray();
        } else {
            String rhs = equation.substring(arrow + 2);
            int rank = rhs.replace("...", "").length() + (rhs.contains("...") ? ellipsis : 0);
            output = axes(rhs, rank, ellipsis, letters, equation);
            if (Arrays.stream(output).distinct().count() != output.length) {
                throw new IllegalArgumentException("the output of '" + equation + "' repeats a label");
            }
        }
        return new Plan(next, inputs, output);
    }

    /** The label of each axis of a term of {@code rank}; an ellipsis takes the last of the ellipsis labels. */
    private static int[] axes(String term, int rank, int ellipsis, TreeMap<Character, Integer> letters, String eq) {
        int dot = term.indexOf("...");
        String before = dot < 0 ? term : term.substring(0, dot);
        String after = dot < 0 ? "" : term.substring(dot + 3);
        int spanned = rank - before.length() - after.length();
        if (spanned < 0 || (dot < 0 && spanned != 0) || spanned > ellipsis) {
            throw new IllegalArgumentException("term '" + term + "' of '" + eq + "' does not fit rank " + rank);
        }
        int[] labels = new int[rank];
        for (int i = 0; i < before.length(); i++) {
            labels[i] = label(letters, before.charAt(i), eq);
        }
        for (int i = 0; i < spanned; i++) {
            labels[before.length() + i] = ellipsis - spanned + i;
        }
        for (int i = 0; i < after.length(); i++) {
            labels[before.length() + spanned + i] = label(letters, after.charAt(i), eq);
        }
        return labels;
    }

    private static int label(TreeMap<Character, Integer> letters, char ch, String eq) {
        Integer id = letters.get(ch);
        if (id == null) {
            throw new IllegalArgumentException("output label '" + ch + "' of '" + eq + "' is in no input");
        }
        return id;
    }

    /** The size of each label; size-1 axes broadcast, other sizes of one label must agree. */
    private static int[] sizes(Plan p, int[][] dims) {
        int[] sizes = new int[p.labels()];
        Arrays.fill(sizes, 1);
        for (int k = 0; k < dims.length; k++) {
            for (int a = 0; a < dims[k].length; a++) {
                int l = p.inputs()[k][a];
                if (sizes[l] != 1 && dims[k][a] != 1 && sizes[l] != dims[k][a]) {
                    throw new IllegalArgumentException("a label has sizes " + sizes[l] + " and " + dims[k][a]);
                }
                sizes[l] = dims[k][a] == 1 ? sizes[l] : dims[k][a];
            }
        }
        return sizes;
    }

    private static int[] outputDims(Plan p, int[] sizes) {
        return Arrays.stream(p.output()).map(l -> sizes[l]).toArray();
    }

    private static int[] ranks(int count, IntFunction<Shape> shape) {
        int[] ranks = new int[count];
        for (int k = 0; k < count; k++) {
            ranks[k] = shape.apply(k).rank();
        }
        return ranks;
    }

    @Override
    public List<ValueType> outputs(Einsum op, ShapeInputs in) {
        Plan p = plan(op.equation(), ranks(in.count(), in::shape));
        int[][] dims = new int[in.count()][];
        for (int k = 0; k < dims.length; k++) {
            dims[k] = in.shape(k).dims();
        }
        return List.of(in.type(0).withShape(Shape.of(outputDims(p, sizes(p, dims)))));
    }

    @Override
    public FloatKernel floatKernel(Einsum op, FloatContext ctx) {
        return (in, alloc) -> {
            Plan p = plan(op.equation(), ranks(in.length, k -> in[k].shape()));
            int[][] dims = new int[in.length][];
            for (int k = 0; k < in.length; k++) {
                dims[k] = in[k].shape().dims();
            }
            int[] sizes = sizes(p, dims);
            Shape out = Shape.of(outputDims(p, sizes));
            // Per label, the step it makes in each input and in the output: the strides of the axes it
            // labels summed (a repeated label walks the diagonal), 0 where an axis of size 1 broadcasts.
            int[][] step = new int[in.length + 1][p.labels()];
            for (int k = 0; k < in.length; k++) {
                int[] strides = IndexMap.strides(dims[k]);
                for (int a = 0; a < dims[k].length; a++) {
                    if (dims[k][a] != 1) {
                        step[k][p.inputs()[k][a]] += strides[a];
                    }
                }
            }
            int[] outStrides = IndexMap.strides(out.dims());
            for (int a = 0; a < p.output().length; a++) {
                step[in.length][p.output()[a]] = outStrides[a];
            }
            double[] sum = new double[out.size()];
            int total = Shape.of(sizes).size();
            int[] coord = new int[p.labels()];
            int[] offset = new int[in.length + 1];
            for (int n = 0; n < total; n++) {
                double product = 1;
                for (int k = 0; k < in.length; k++) {
                    product *= in[k].data()[offset[k]];
                }
                sum[offset[in.length]] += product;
                for (int l = p.labels() - 1; l >= 0; l--) {
                    coord[l]++;
                    for (int k = 0; k <= in.length; k++) {
                        offset[k] += step[k][l];
                    }
                    if (coord[l] < sizes[l]) {
                        break;
                    }
                    for (int k = 0; k <= in.length; k++) {
                        offset[k] -= step[k][l] * sizes[l];
                    }
                    coord[l] = 0;
                }
            }
            float[] y = new float[sum.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) sum[i];
            }
            return new Tensor[] {Tensor.of(in[0].type(), out, y)};
        };
    }
}
