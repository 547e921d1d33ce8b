package org.bitbudget.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.BatchNormFolding;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxExporter;
import org.bitbudget.training.Schedule;
import org.bitbudget.training.Trainer;
import org.bitbudget.training.zoo.ModelZoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bitbudget train}: train a zoo model and export it as ONNX. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train a zoo model (lenet5, resnet8, dwsep) with SGD on the train split, fold its "
                    + "BatchNorms, write it as opset-13 ONNX and report its test-split accuracy.",
            "The input normalisation (given, or measured on the train split) is stored in the model's "
                    + "metadata, where eval and search find it. The same seed gives the same file."
        })
final class TrainCommand implements Callable<Integer> {
    @Mixin
    JsonOption json;

    @Option(
            names = "--arch",
            paramLabel = "A",
            defaultValue = "lenet5",
            description = "lenet5, resnet8 or dwsep (default: ${DEFAULT-VALUE})")
    String arch;

    @Mixin
    DataOptions dataOptions;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            defaultValue = "8",
            description = "Epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "0",
            description = "Seed of the initial weights and the sample order (default: ${DEFAULT-VALUE})")
    long seed;

    @Writes
    @Option(names = "--out", paramLabel = "M.onnx", required = true, description = "Where to write the model")
    Path out;

    @Option(
            names = "--batch",
            paramLabel = "B",
            defaultValue = "64",
            description = "Mini-batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--lr",
            paramLabel = "R",
            defaultValue = "0.05",
            description = "Base learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(
            names = "--momentum",
            paramLabel = "M",
            defaultValue = "0.9",
            description = "SGD momentum (default: ${DEFAULT-VALUE})")
    double momentum;

    @Option(
            names = "--weight-decay",
            paramLabel = "W",
            defaultValue = "5e-4",
            description = "L2 weight decay on Conv/Gemm weights (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(
            names = "--schedule",
            paramLabel = "S",
            defaultValue = "cosine",
            description = "cosine, one-cycle or constant (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--no-batch-norm", description = "Build the model without BatchNorm (convolutions get biases)")
    boolean noBatchNorm;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N train images only")
    Integer limit;

    @Option(names = "--threads", paramLabel = "T", description = "Threads (default: all cores)")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        Schedule lr = switch (schedule.toLowerCase(Locale.ROOT)) {
            case "cosine" -> Schedule.COSINE;
            case "one-cycle" -> Schedule.ONE_CYCLE;
            case "constant" -> Schedule.CONSTANT;
            default ->
                throw new UserInputException("--schedule", "'" + schedule + "' is not cosine, one-cycle or constant");
        };
        requireAtLeast("--limit", limit == null ? 1 : limit, 1);
        requireAtLeast("--epochs", epochs, 1);
        requireAtLeast("--batch", batch, 2);
        Limits.threads(threads);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new UserInputException("--lr", "must be positive, got " + learningRate);
        }
        if (momentum < 0 || momentum >= 1) {
            throw new UserInputException("--momentum", "must be in [0, 1), got " + momentum);
        }
        if (weightDecay < 0) {
            throw new UserInputException("--weight-decay", "must be 0 or more, got " + weightDecay);
        }
        AtomicOutput.checkFolder("--out", out);
        Graph model;
        try {
            model = ModelZoo.build(arch, !noBatchNorm, seed);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--arch", e.getMessage());
        }
        Trainer.Builder builder = Trainer.builder()
                .epochs(epochs)
                .batchSize(batch)
                .learningRate(learningRate)
                .momentum(momentum)
                .weightDecay(weightDecay)
                .schedule(lr)
                .seed(seed);
        if (threads != null) {
            builder.threads(threads);
        }
        DataSource train = dataOptions.open(Split.TRAIN);
        if (limit != null) {
            train = train.limit(limit);
        }
        ClassCheck.labelsFit(model, "--arch " + arch, train, dataOptions.data);
        Normalization norm = normalization(train);
        Trainer.Result result;
        int steps = (train.size() + batch - 1) / batch;
        try (Progress progress = Progress.start("train " + arch, (long) steps * epochs, "steps")) {
            Trainer trainer = builder.listener(s -> {
                        progress.stepBy(1);
                        progress.message(String.format(
                                Locale.ROOT,
                                "epoch %d/%d loss %.3f acc %.3f %.0f img/s",
                                s.epoch() + 1,
                                epochs,
                                s.loss(),
                                s.runningAccuracy(),
                                s.imagesPerSecond()));
                    })
                    .build();
            result = trainer.train(model, train, norm);
        }
        Graph folded = BatchNormFolding.fold(result.graph());
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(Normalization.METADATA_KEY, norm.toString());
        metadata.put("bitbudget.arch", arch);
        metadata.put(
                "bitbudget.training",
                String.format(
                        Locale.ROOT,
                        "data=%s epochs=%d seed=%d batch=%d lr=%s momentum=%s weight_decay=%s schedule=%s batch_norm=%s",
                        dataOptions.data,
                        epochs,
                        seed,
                        batch,
                        learningRate,
                        momentum,
                        weightDecay,
                        schedule,
                        !noBatchNorm));
        byte[] bytes = OnnxExporter.toBytes(folded, metadata);

        DataSource test = dataOptions.open(Split.TEST);
        FloatEngine engine = FloatEngine.of(folded);
        long t0 = System.nanoTime();
        Tensor logits = engine.predict(test.batch(0, test.size(), norm));
        double inferenceSeconds = (System.nanoTime() - t0) / 1e9;
        double accuracy = Classification.accuracy(logits, test);

        AtomicOutput.write("--out", out, bytes);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("out", out.toString());
        report.put("arch", arch);
        report.put("accuracy", accuracy);
        report.put("seconds", result.seconds());
        report.put("train_images_per_second", result.imagesPerSecond());
        report.put("inference_images_per_second", test.size() / inferenceSeconds);
        report.put("epoch_losses", result.epochLosses());
        report.put("epoch_train_accuracies", result.epochAccuracies());
        report.put("normalize", DataOptions.json(norm));
        if (json.json) {
            System.out.println(JsonOption.toJson(report));
        } else {
            System.out.printf(
                    Locale.ROOT,
                    "%s: test accuracy %.4f after %d epochs in %.0f s (%.0f training images/s, "
                            + "%.0f inference images/s); wrote %s%n",
                    arch,
                    accuracy,
                    epochs,
                    result.seconds(),
                    result.imagesPerSecond(),
                    test.size() / inferenceSeconds,
                    out);
        }
        return 0;
    }

    private Normalization normalization(DataSource train) {
        if (dataOptions.normalize == null) {
            return train.declaredNormalization().orElseGet(() -> Normalization.measure(train));
        }
        try {
            return Normalization.parse(dataOptions.normalize);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--normalize", e.getMessage());
        }
    }

    private static void requireAtLeast(String option, int value, int min) {
        if (value < min) {
            throw new UserInputException(option, "must be at least " + min + ", got " + value);
        }
    }
}
