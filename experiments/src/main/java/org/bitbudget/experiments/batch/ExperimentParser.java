package org.bitbudget.experiments.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bitbudget.data.metric.Metrics;
import org.bitbudget.experiments.batch.YamlTree.Node;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.precision.LayerPattern;
import org.bitbudget.ir.precision.RuntimeTarget;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.pipeline.Budgets;
import org.bitbudget.search.SearchStrategies;
import org.bitbudget.sensitivity.Estimators;

/**
 * Reads an experiment YAML (schema: the commented {@code experiments/examples/lenet5-budgets.yaml} and
 * the README's "Experiment batches") into its runs. Every error is one line naming
 * the file, the line and the field: {@code exp.yaml: line 9: strategies[1]: 'ilpp' is not one of ilp, ga, ...};
 * estimator and strategy names are those of {@link Estimators} and {@link SearchStrategies}.
 *
 * <p>Grid order: models × data × formats × activations × estimators × strategies × budgets × seeds,
 * the last varying fastest. With {@code runs:}, the explicit list replaces the product.
 */
public final class ExperimentParser {
    /** The search strategies, by their command-line names. */
    public static final List<String> STRATEGIES = SearchStrategies.NAMES;
    /** What the genetic strategies may maximise ({@code fitness:}, applied to their runs only). */
    public static final List<String> FITNESS = List.of("measured", "predicted");
    /** What the layers of a coupling group share ({@code coupling:}, as {@code search --coupling}). */
    public static final List<String> COUPLING = List.of("activations", "all", "none");

    /** The runtimes a run's encodings may be made exact for ({@code target:}, as {@code search --target}). */
    public static final List<String> TARGETS =
            Arrays.stream(RuntimeTarget.values()).map(RuntimeTarget::label).toList();

    private static final Set<String> GENETIC = Set.of("ga", "nsga2");
    /** The engines that measure a run's final accuracy. */
    public static final List<String> ENGINES = List.of("float", "integer");

    private static final Set<String> TOP_FIELDS = Set.of(
            "name",
            "models",
            "data",
            "formats",
            "activations",
            "estimators",
            "strategies",
            "budgets",
            "seeds",
            "limit",
            "calibration",
            "time",
            "engine",
            "fitness",
            "metric",
            "runs",
            "coupling",
            "target",
            "ignore");
    private static final Set<String> MODEL_FIELDS = Set.of("name", "path", "normalize");
    private static final Set<String> RUN_FIELDS =
            Set.of("model", "data", "formats", "activations", "estimator", "strategy", "budgets", "seed");

    private final String source;
    private final YamlFields fields;
    /** The experiment's {@code fitness:}, or null; set while parsing, applied to the ga and nsga2 runs. */
    private String fitness;
    /** The experiment's {@code coupling:}, or null for the pipeline's default; applied to every run. */
    private String coupling;
    /** The experiment's {@code target:}, or null for the pipeline's default; applied to every run. */
    private String target;
    /** The experiment's {@code ignore:} scopes; applied to every run. */
    private List<String> ignore = List.of();

    private final Path folder;
    private final Path defaultModel;
    private final Map<Path, String> hashes = new HashMap<>();

    private ExperimentParser(Path file, Path defaultModel) {
        this.source = file.toString();
        this.fields = new YamlFields(source);
        this.folder = file.toAbsolutePath().getParent();
        this.defaultModel = defaultModel;
    }

    /** A model of the experiment. */
    private record Model(String name, Path path, String sha256, String normalize) {}

    /**
     * Reads {@code file}.
     *
     * @param defaultModel the model {@code default} names (the bundled default model)
     */
    public static Experiment load(Path file, Path defaultModel) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserInputException(file.toString(), "no such file");
        } catch (IOException e) {
            throw UserInputException.unreadable(file.toString(), e);
        }
        return new ExperimentParser(file, defaultModel).parse(text, file);
    }

    private Experiment parse(String text, Path file) {
        Node root = YamlTree.parse(text, source);
        if (!root.isMap()) {
            throw root.error(
                    source,
                    "an experiment is a mapping with models, data, formats, estimators, strategies, "
                            + "budgets and seeds, not " + root.describe());
        }
        Map<String, Node> top = root.map();
        fields.checkFields(root, TOP_FIELDS);
        String name = top.containsKey("name")
                ? fields.name(top.get("name"))
                : stem(file.getFileName().toString());
        // With explicit runs, each axis may instead be given by every run.
        boolean explicit = top.containsKey("runs");
        List<Model> models = axis(root, "models", explicit, this::models);
        List<String> data = axis(root, "data", explicit, n -> fields.strings(n, this::dataSet));
        List<List<String>> formats = axis(root, "formats", explicit, this::formatAxis);
        List<List<String>> activations =
                top.containsKey("activations") ? formatAxis(top.get("activations")) : List.of(List.of("float"));
        List<String> estimators =
                axis(root, "estimators", explicit, n -> fields.strings(n, x -> fields.oneOf(x, Estimators.NAMES)));
        List<String> strategies =
                axis(root, "strategies", explicit, n -> fields.strings(n, x -> fields.oneOf(x, STRATEGIES)));
        List<List<String>> budgets = axis(root, "budgets", explicit, this::budgetAxis);
        List<Long> seeds = axis(root, "seeds", explicit, this::seeds);
        int limit = top.containsKey("limit") ? fields.positiveInt(top.get("limit")) : 0;
        int calibration = top.containsKey("calibration") ? fields.positiveInt(top.get("calibration")) : 1000;
        double time = top.containsKey("time") ? fields.seconds(top.get("time")) : 0;
        String engine = top.containsKey("engine") ? fields.oneOf(top.get("engine"), ENGINES) : "float";
        fitness = top.containsKey("fitness") ? fields.oneOf(top.get("fitness"), FITNESS) : null;
        String metric = top.containsKey("metric") ? fields.oneOf(top.get("metric"), Metrics.NAMES) : null;
        coupling = top.containsKey("coupling") ? fields.oneOf(top.get("coupling"), COUPLING) : null;
        target = top.containsKey("target") ? fields.oneOf(top.get("target"), TARGETS) : null;
        ignore = top.containsKey("ignore") ? fields.strings(top.get("ignore"), this::scope) : List.of();

        List<RunSpec> runs = new ArrayList<>();
        if (top.containsKey("runs")) {
            Node list = top.get("runs");
            if (!list.isList() || list.list().isEmpty()) {
                throw list.error(source, "must be a non-empty list of runs, not " + list.describe());
            }
            for (Node r : list.list()) {
                runs.add(explicitRun(
                        r,
                        runs.size(),
                        name,
                        models,
                        data,
                        formats,
                        activations,
                        estimators,
                        strategies,
                        budgets,
                        seeds,
                        limit,
                        calibration,
                        time,
                        engine,
                        metric));
            }
        } else {
            for (Model m : models) {
                for (String d : data) {
                    for (List<String> f : formats) {
                        for (List<String> a : activations) {
                            for (String e : estimators) {
                                for (String s : strategies) {
                                    for (List<String> b : budgets) {
                                        for (long seed : seeds) {
                                            runs.add(spec(
                                                    runs.size(),
                                                    name,
                                                    m,
                                                    d,
                                                    f,
                                                    a,
                                                    e,
                                                    s,
                                                    b,
                                                    seed,
                                                    limit,
                                                    calibration,
                                                    time,
                                                    engine,
                                                    metric));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        Map<String, Integer> seen = new HashMap<>();
        for (RunSpec r : runs) {
            Integer before = seen.putIfAbsent(r.key(), r.index());
            if (before != null) {
                throw new UserInputException(
                        source,
                        "runs " + before + " and " + r.index() + " are the same run " + "(key " + r.key()
                                + "); remove the duplicate");
            }
        }
        return new Experiment(name, file, RunKeys.sha256(file), runs);
    }

    private RunSpec spec(
            int index,
            String experiment,
            Model m,
            String data,
            List<String> formats,
            List<String> activations,
            String estimator,
            String strategy,
            List<String> budgets,
            long seed,
            int limit,
            int calibration,
            double time,
            String engine,
            String metric) {
        RunSpec s = new RunSpec(
                index,
                experiment,
                m.name(),
                m.path(),
                m.sha256(),
                m.normalize(),
                data,
                formats,
                activations,
                estimator,
                strategy,
                budgets,
                seed,
                limit,
                calibration,
                time,
                engine,
                metric,
                null,
                GENETIC.contains(strategy) ? fitness : null,
                coupling,
                target,
                ignore);
        return s.withKey(RunKeys.key(s));
    }

    private RunSpec explicitRun(
            Node r,
            int index,
            String experiment,
            List<Model> models,
            List<String> data,
            List<List<String>> formats,
            List<List<String>> activations,
            List<String> estimators,
            List<String> strategies,
            List<List<String>> budgets,
            List<Long> seeds,
            int limit,
            int calibration,
            double time,
            String engine,
            String metric) {
        if (!r.isMap()) {
            throw r.error(
                    source,
                    "a run is a mapping with model, data, formats, activations, estimator, strategy, "
                            + "budgets, seed; not " + r.describe());
        }
        fields.checkFields(r, RUN_FIELDS);
        Map<String, Node> f = r.map();
        Model model;
        if (f.containsKey("model")) {
            String label = fields.text(f.get("model"));
            model = models.stream()
                    .filter(m -> m.name().equals(label))
                    .findFirst()
                    .or(() -> runModel(f.get("model"), models))
                    .orElseThrow(() -> f.get("model")
                            .error(
                                    source,
                                    "no model named '" + label + "' in models (known: "
                                            + String.join(
                                                    ", ",
                                                    models.stream()
                                                            .map(Model::name)
                                                            .toList()) + ")"));
        } else {
            model = single(r, "model", models);
        }
        String d = f.containsKey("data") ? dataSet(f.get("data")) : single(r, "data", data);
        List<String> fm = f.containsKey("formats") ? formats(f.get("formats")) : single(r, "formats", formats);
        List<String> ac =
                f.containsKey("activations") ? formats(f.get("activations")) : single(r, "activations", activations);
        String e = f.containsKey("estimator")
                ? fields.oneOf(f.get("estimator"), Estimators.NAMES)
                : single(r, "estimator", estimators);
        String s = f.containsKey("strategy")
                ? fields.oneOf(f.get("strategy"), STRATEGIES)
                : single(r, "strategy", strategies);
        List<String> b = f.containsKey("budgets") ? budgetSet(f.get("budgets")) : single(r, "budgets", budgets);
        long seed = f.containsKey("seed") ? fields.integer(f.get("seed")) : single(r, "seed", seeds);
        return spec(index, experiment, model, d, fm, ac, e, s, b, seed, limit, calibration, time, engine, metric);
    }

    /**
     * A run's model given as the models list gives one ({@code default} or a path) rather than by its label: the
     * listed model with that file, else that file when there is no models list, else none.
     */
    private java.util.Optional<Model> runModel(Node node, List<Model> models) {
        String text = fields.text(node);
        Path p = text.equals("default")
                ? (defaultModel == null ? null : defaultModel.toAbsolutePath().normalize())
                : folder.resolve(text).normalize();
        if (p == null || !Files.isRegularFile(p)) {
            return java.util.Optional.empty();
        }
        Path file = modelPath(node);
        java.util.Optional<Model> listed =
                models.stream().filter(m -> m.path().equals(file)).findFirst();
        if (listed.isPresent() || !models.isEmpty()) {
            return listed;
        }
        return java.util.Optional.of(new Model(label(file), file, hash(file), null));
    }

    /** The one value of a top-level list that an explicit run leaves out. */
    private <T> T single(Node run, String field, List<T> values) {
        if (values.size() != 1) {
            throw new UserInputException(
                    source + ": line " + run.line() + ": " + run.path() + "." + field,
                    "missing; give it, or list exactly one at the top level (there are " + values.size() + ")");
        }
        return values.getFirst();
    }

    /** A top-level axis: required for a product, optional (empty) when explicit runs may give it instead. */
    private <T> List<T> axis(
            Node root, String field, boolean optional, java.util.function.Function<Node, List<T>> parse) {
        return optional && !root.map().containsKey(field) ? List.of() : parse.apply(required(root, field));
    }

    private Node required(Node root, String field) {
        Node n = root.map().get(field);
        if (n == null) {
            throw new UserInputException(source + ": line " + root.line() + ": " + field, "missing (required)");
        }
        if (n.value() == null || (n.isList() && n.list().isEmpty())) {
            throw n.error(source, "is empty; list at least one value");
        }
        return n;
    }

    private List<Model> models(Node node) {
        List<Node> items = node.isList() ? node.list() : List.of(node);
        List<Model> out = new ArrayList<>();
        Map<String, Node> labels = new LinkedHashMap<>();
        for (Node item : items) {
            Model m;
            if (item.isMap()) {
                fields.checkFields(item, MODEL_FIELDS);
                Node path = item.map().get("path");
                if (path == null) {
                    throw new UserInputException(
                            source + ": line " + item.line() + ": " + item.path() + ".path", "missing (required)");
                }
                Path p = modelPath(path);
                String label =
                        item.map().containsKey("name") ? fields.name(item.map().get("name")) : label(p);
                String normalize = item.map().containsKey("normalize")
                        ? normalize(item.map().get("normalize"))
                        : null;
                m = new Model(label, p, hash(p), normalize);
            } else {
                Path p = modelPath(item);
                m = new Model(label(p), p, hash(p), null);
            }
            Node previous = labels.putIfAbsent(m.name(), item);
            if (previous != null) {
                throw item.error(
                        source,
                        "a second model named '" + m.name() + "' (the first is on line " + previous.line()
                                + "); give each a distinct name");
            }
            out.add(m);
        }
        return out;
    }

    private String hash(Path p) {
        return hashes.computeIfAbsent(p, RunKeys::sha256);
    }

    private Path modelPath(Node node) {
        String text = fields.text(node);
        if (text.equals("default")) {
            if (defaultModel == null || !Files.isRegularFile(defaultModel)) {
                throw node.error(source, "the bundled default model " + defaultModel + " is missing");
            }
            return defaultModel.toAbsolutePath().normalize();
        }
        Path p = folder.resolve(text).normalize();
        if (!Files.isRegularFile(p)) {
            throw node.error(source, "no such model file " + p + " (relative paths start at the YAML's folder)");
        }
        return p;
    }

    private static String label(Path p) {
        return stem(p.getFileName().toString());
    }

    private static String stem(String file) {
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    private String normalize(Node node) {
        String t = fields.text(node);
        try {
            org.bitbudget.data.Normalization.parse(t);
        } catch (IllegalArgumentException e) {
            throw node.error(source, e.getMessage());
        }
        return t;
    }

    private String dataSet(Node node) {
        String t = fields.text(node);
        if (t.equals("fashion-mnist") || t.equals("mnist")) {
            return t;
        }
        // PATH?SETTINGS: the path is relative to the experiment file, and so is a preprocessing file.
        int q = t.indexOf('?');
        String settings = q < 0 ? "" : t.substring(q);
        Path p = folder.resolve(q < 0 ? t : t.substring(0, q)).normalize();
        if (!Files.exists(p)) {
            throw node.error(
                    source,
                    "'" + t + "' is not fashion-mnist, mnist or a folder of idx files, a .npy or .npz file or an "
                            + "image folder");
        }
        Matcher pre = Pattern.compile("([?&]preprocess=)([^&]*)").matcher(settings);
        if (pre.find() && Files.isRegularFile(folder.resolve(pre.group(2)))) {
            settings = settings.substring(0, pre.start(2))
                    + folder.resolve(pre.group(2)).normalize()
                    + settings.substring(pre.end(2));
        }
        return p + settings;
    }

    /** An {@code ignore:} scope: a layer name or a pattern that compiles. */
    private String scope(Node node) {
        String t = fields.text(node);
        try {
            new LayerPattern(t).compile();
        } catch (IllegalArgumentException e) {
            throw node.error(source, "'" + t + "' is not a layer name or pattern (" + e.getMessage() + ")");
        }
        return t;
    }

    private List<List<String>> formatAxis(Node node) {
        if (node.isList() && !node.list().isEmpty() && node.list().getFirst().isList()) {
            List<List<String>> out = new ArrayList<>();
            for (Node set : node.list()) {
                if (!set.isList()) {
                    throw set.error(source, "a list of format lists must hold only lists, not " + set.describe());
                }
                out.add(formats(set));
            }
            return out;
        }
        return List.of(formats(node));
    }

    private List<String> formats(Node node) {
        List<String> out = fields.strings(node, n -> {
            String t = fields.text(n);
            try {
                return NumberFormat.parse(t).name();
            } catch (IllegalArgumentException e) {
                throw n.error(source, "'" + t + "' is not a number format (" + e.getMessage() + ")");
            }
        });
        if (out.isEmpty()) {
            throw node.error(source, "is empty; list at least one format");
        }
        return out;
    }

    private List<List<String>> budgetAxis(Node node) {
        List<List<String>> out = new ArrayList<>();
        for (Node item : node.isList() ? node.list() : List.of(node)) {
            out.add(budgetSet(item));
        }
        return out;
    }

    /** One set of budgets: a text (comma-separated budgets) or a list of texts. */
    private List<String> budgetSet(Node node) {
        List<Node> parts = node.isList() ? node.list() : List.of(node);
        List<String> out = new ArrayList<>();
        for (Node part : parts) {
            String t = fields.text(part);
            for (String one : t.split(",")) {
                String b = one.strip().replaceAll("\\s+", " ");
                if (b.isEmpty()) {
                    throw part.error(source, "an empty budget in '" + t + "'");
                }
                try {
                    Budgets.parse(b, (cost, format) -> 1.0);
                } catch (UserInputException e) {
                    throw part.error(source, e.getMessage());
                }
                out.add(b);
            }
        }
        if (out.isEmpty()) {
            throw node.error(source, "is empty; give at least one budget, e.g. 'size <= 0.5 x int8'");
        }
        return out;
    }

    private List<Long> seeds(Node node) {
        List<Long> out = new ArrayList<>();
        for (Node n : node.isList() ? node.list() : List.of(node)) {
            out.add(fields.integer(n));
        }
        return out;
    }
}
