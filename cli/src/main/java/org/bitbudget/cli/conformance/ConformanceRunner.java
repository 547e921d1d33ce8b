package org.bitbudget.cli.conformance;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.UnsupportedModelException;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.onnx.TensorProtos;

/**
 * Runs ONNX backend test cases (a folder with {@code model.onnx} and {@code test_data_set_*} folders
 * of {@code input_*.pb} and {@code output_*.pb}) through the float engine and compares every
 * output value: a value passes when {@code |actual - expected| <= atol + rtol * |expected|}.
 *
 * <pre>{@code
 * var runner = new ConformanceRunner(1e-4, 1e-5);
 * CaseResult r = runner.run(Path.of("/usr/share/libonnx-testdata/data/node/test_relu"));
 * }</pre>
 *
 * @param rtol the relative tolerance
 * @param atol the absolute tolerance, for expected values near zero
 */
public record ConformanceRunner(double rtol, double atol) {

    /** The default tolerances: 1e-4 relative, 1e-5 absolute. */
    public static ConformanceRunner standard() {
        return new ConformanceRunner(1e-4, 1e-5);
    }

    /** Test case folders under {@code root}: root itself when it is one, else its subfolders that are, sorted. */
    public static List<Path> cases(Path root) {
        if (Files.isRegularFile(root.resolve("model.onnx"))) {
            try (Stream<Path> s = Files.list(root)) {
                if (s.noneMatch(p -> p.getFileName().toString().startsWith("test_data_set_"))) {
                    throw new UserInputException(
                            root.toString(), "has model.onnx but no test_data_set_* folder: nothing to compare");
                }
            } catch (IOException e) {
                throw UserInputException.unreadable(root.toString(), e);
            }
            return List.of(root);
        }
        if (!Files.isDirectory(root)) {
            throw new UserInputException(root.toString(), "not a folder");
        }
        try (Stream<Path> s = Files.list(root)) {
            List<Path> found = s.filter(p -> Files.isRegularFile(p.resolve("model.onnx")))
                    .sorted()
                    .toList();
            if (found.isEmpty()) {
                throw new UserInputException(root.toString(), "holds no test case (no */model.onnx)");
            }
            return found;
        } catch (IOException e) {
            throw new UserInputException(root.toString(), "cannot list: " + e.getMessage());
        }
    }

    /** The operator types a case's model uses, in order of first use. */
    public static Set<String> opTypes(Path caseDir) {
        try {
            ModelProto m = ModelProto.parseFrom(Files.readAllBytes(caseDir.resolve("model.onnx")));
            Set<String> ops = new LinkedHashSet<>();
            for (NodeProto n : m.getGraph().getNodeList()) {
                ops.add(n.getOpType());
            }
            return ops;
        } catch (IOException e) {
            throw new UserInputException(caseDir.resolve("model.onnx").toString(), "cannot read: " + e.getMessage());
        }
    }

    /** Runs one case. Never throws for a problem of the case itself: that becomes its result. */
    public CaseResult run(Path caseDir) {
        String name = caseDir.getFileName().toString();
        String ops = String.join(",", opTypes(caseDir));
        Graph graph;
        try {
            graph = OnnxImporter.load(caseDir.resolve("model.onnx"));
        } catch (UnsupportedModelException e) {
            return new CaseResult(
                    name, CaseResult.Status.UNSUPPORTED, e.feature(), Double.NaN, Double.NaN, e.getMessage());
        } catch (UserInputException e) {
            return new CaseResult(name, CaseResult.Status.FAILED, ops, Double.NaN, Double.NaN, e.getMessage());
        }
        FloatEngine engine = FloatEngine.builder(graph).threads(1).build();
        double maxAbs = 0;
        double maxRel = 0;
        List<String> problems = new ArrayList<>();
        for (Path dataSet : dataSets(caseDir)) {
            try {
                Map<String, Tensor> inputs = new LinkedHashMap<>();
                List<Tensor> given = readAll(dataSet, "input_");
                if (given.size() != graph.inputs().size()) {
                    problems.add(dataSet.getFileName() + ": " + given.size() + " inputs for a model with "
                            + graph.inputs().size());
                    continue;
                }
                for (int i = 0; i < given.size(); i++) {
                    inputs.put(graph.inputs().get(i).name(), given.get(i));
                }
                List<Tensor> expected = readAll(dataSet, "output_");
                List<Tensor> actual = new ArrayList<>(engine.run(inputs).values());
                for (int i = 0; i < expected.size(); i++) {
                    Tensor e = expected.get(i);
                    Tensor a = i < actual.size() ? actual.get(i) : null;
                    if (a == null || !a.shape().equals(e.shape())) {
                        problems.add(dataSet.getFileName() + " output " + i + ": shape "
                                + (a == null ? "missing" : a.shape()) + ", expected " + e.shape());
                        continue;
                    }
                    double[] err = compare(a.data(), e.data());
                    maxAbs = Math.max(maxAbs, err[0]);
                    maxRel = Math.max(maxRel, err[1]);
                    if (err[2] > 0) {
                        problems.add(dataSet.getFileName() + " output " + i + ": " + (long) err[2]
                                + " values outside tolerance (max abs error " + err[0] + ")");
                    }
                }
            } catch (UnsupportedModelException e) {
                return new CaseResult(
                        name, CaseResult.Status.UNSUPPORTED, e.feature(), Double.NaN, Double.NaN, e.getMessage());
            } catch (UserInputException e) {
                problems.add(e.getMessage());
            }
        }
        CaseResult.Status status = problems.isEmpty() ? CaseResult.Status.PASSED : CaseResult.Status.FAILED;
        return new CaseResult(name, status, ops, maxAbs, maxRel, String.join("; ", problems));
    }

    /** max abs error, max relative error, and the count of values outside tolerance. */
    private double[] compare(float[] actual, float[] expected) {
        double maxAbs = 0;
        double maxRel = 0;
        long bad = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (Double.isNaN(e) || Double.isNaN(a)) {
                if (Double.isNaN(e) != Double.isNaN(a)) {
                    bad++;
                    maxAbs = Double.POSITIVE_INFINITY;
                }
                continue;
            }
            if (Double.isInfinite(e) || Double.isInfinite(a)) {
                if (a != e) {
                    bad++;
                    maxAbs = Double.POSITIVE_INFINITY;
                }
                continue;
            }
            double abs = Math.abs(a - e);
            maxAbs = Math.max(maxAbs, abs);
            maxRel = Math.max(maxRel, abs / Math.max(Math.abs(e), 1e-12));
            if (abs > atol + rtol * Math.abs(e)) {
                bad++;
            }
        }
        return new double[] {maxAbs, maxRel, bad};
    }

    private static List<Path> dataSets(Path caseDir) {
        try (Stream<Path> s = Files.list(caseDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("test_data_set_") && Files.isDirectory(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UserInputException(caseDir.toString(), "cannot list: " + e.getMessage());
        }
    }

    private static List<Tensor> readAll(Path dataSet, String prefix) {
        List<Tensor> tensors = new ArrayList<>();
        for (int i = 0; ; i++) {
            Path f = dataSet.resolve(prefix + i + ".pb");
            if (!Files.isRegularFile(f)) {
                return tensors;
            }
            try {
                tensors.add(TensorProtos.toTensor(TensorProto.parseFrom(Files.readAllBytes(f)), f.toString()));
            } catch (IOException e) {
                throw new UserInputException(f.toString(), "not a TensorProto: " + e.getMessage());
            }
        }
    }
}
