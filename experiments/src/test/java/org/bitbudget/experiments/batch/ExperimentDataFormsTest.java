package org.bitbudget.experiments.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Split;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.testsupport.NumpyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch's {@code data} names NumPy archives and image folders with their settings after {@code ?}:
 * paths, a preprocessing file included, are relative to the YAML file, and the run's data spec opens
 * with the keys it names.
 */
class ExperimentDataFormsTest {
    @TempDir
    Path dir;

    private Path yaml(String data) throws Exception {
        return Files.writeString(dir.resolve("e.yaml"), """
                models: [default]
                data: %s
                formats: [int8]
                estimators: [roundoff]
                strategies: [ilp]
                budgets: ["size <= 32 KiB"]
                seeds: [0]
                """.formatted(data));
    }

    @Test
    void settingsAfterTheQuestionMarkChooseArraysAndPreprocessing() throws Exception {
        NumpyFiles.write(Files.createDirectories(dir.resolve("np")));
        Files.writeString(dir.resolve("pre.yaml"), "resize: 32\n");
        Experiment e = ExperimentParser.load(
                yaml("\"np/two-inputs.npz?input-key=image,features&label-key=label&preprocess=pre.yaml\""),
                ExperimentParserTest.DEFAULT_MODEL);
        String data = e.runs().getFirst().data();
        assertEquals(
                dir.resolve("np/two-inputs.npz") + "?input-key=image,features&label-key=label&preprocess="
                        + dir.resolve("pre.yaml"),
                data);
        DataSource source = DataSources.open(data, Split.TEST);
        assertEquals(
                List.of(Shape.of(2, 3), Shape.of(3)),
                source.inputs().stream().map(DataSource::sampleShape).toList());
        assertArrayEquals(new int[] {3, 0, 1, 2, 3, 1, 0}, source.labels());

        UserInputException missing = assertThrows(
                UserInputException.class,
                () -> ExperimentParser.load(yaml("np/none.npz"), ExperimentParserTest.DEFAULT_MODEL));
        assertEquals(
                dir.resolve("e.yaml") + ": line 2: data: 'np/none.npz' is not fashion-mnist, mnist or a folder of idx "
                        + "files, a .npy or .npz file or an image folder",
                missing.getMessage());
        UserInputException setting = assertThrows(
                UserInputException.class, () -> DataSources.open(data.replace("label-key", "labels"), Split.TEST));
        assertEquals(
                "unknown data setting 'labels' (known: input-key, label-key, preprocess)",
                setting.getMessage().substring(setting.source().length() + 2));
    }
}
