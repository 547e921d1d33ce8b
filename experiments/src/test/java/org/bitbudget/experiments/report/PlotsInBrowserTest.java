package org.bitbudget.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.experiments.batch.ResultsCsv;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.pipeline.SearchData;
import org.bitbudget.pipeline.SearchPipeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code pareto.svg} and the dashboard of a real search (the bundled LeNet-5 on Fashion-MNIST), read
 * as XML and opened in headless Chromium: the float baseline, the budget line, the uniform configs and
 * the chosen config are there, each with a hover title; ticks are 1, 2 or 5 × 10^k; no number shows
 * float noise; no two labels overlap as Chromium lays them out; screenshots are non-blank. The
 * screenshots are kept in {@code target/screenshots/} (docs/ holds copies).
 */
class PlotsInBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final Path RESULTS = Path.of("src/test/resources/report/lenet5-budgets-results.csv");
    /** A decimal with float noise, such as 0.26491080000000006. */
    private static final Pattern NOISE = Pattern.compile("\\d\\.\\d{9,}");

    @TempDir
    static Path search;

    private static SearchPipeline.Result result;
    private static Chromium chromium;

    @BeforeAll
    static void searchOnce() throws Exception {
        chromium = Chromium.find();
        SearchData data = new SearchData(
                DataSources.open("fashion-mnist", Split.TRAIN),
                DataSources.open("fashion-mnist", Split.TEST),
                new Normalization(0.2860f, 0.3530f));
        result = SearchPipeline.builder(OnnxImporter.load(Path.of(System.getProperty("bitbudget.defaultModel"))), data)
                .weightFormats("int8", "int4", "int3", "int2")
                .estimator("roundoff")
                .budget("size <= 0.4*int8")
                .strategy("ilp")
                .seed(1)
                .calibration(256)
                .evaluationLimit(2000)
                .build()
                .run();
        ResultFiles.write(search, result, "lenet5-fashion-mnist", "fashion-mnist");
        Files.createDirectories(SCREENSHOTS);
    }

    @Test
    void paretoSvgShowsBaselineBudgetUniformAndChosenWithTitlesAndNiceTicks(@TempDir Path dir) throws Exception {
        String svg = Files.readString(search.resolve("pareto.svg"));
        Document doc = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));

        List<Element> baseline = withClass(doc, "line", "baseline");
        assertEquals(1, baseline.size(), "the float model's line");
        assertTrue(title(baseline.getFirst())
                .endsWith(NiceAxis.round(result.outcome().floatAccuracy())));
        List<Element> budget = withClass(doc, "line", "budget");
        assertEquals(1, budget.size(), "the size budget's line");
        double int8Kib = result.uniform().stream()
                        .filter(p -> p.uniform().equals("int8"))
                        .findFirst()
                        .orElseThrow()
                        .costs()
                        .get("size")
                / 8192;
        assertEquals("budget size <= 0.4*int8 (" + NiceAxis.round(0.4 * int8Kib) + ")", title(budget.getFirst()));
        assertEquals(result.uniform().size(), withClass(doc, "rect", "uniform").size(), "every uniform config");
        assertEquals(1, withClass(doc, "path", "chosen").size(), "the chosen config");
        for (String kind : List.of("circle", "rect", "path", "line")) {
            for (Element e : elements(doc, kind)) {
                if (e.getAttribute("class").matches("front-point|dominated|uniform|chosen|baseline|budget")) {
                    assertFalse(title(e).isEmpty(), "a hover title on every mark: " + e.getAttribute("class"));
                }
            }
        }

        List<Double> xTicks = new ArrayList<>();
        List<Double> yTicks = new ArrayList<>();
        for (Element t : withClass(doc, "text", "tick")) {
            (t.getAttribute("text-anchor").equals("middle") ? xTicks : yTicks).add(tickValue(t.getTextContent()));
        }
        assertNice(xTicks);
        assertNice(yTicks);
        assertFalse(NOISE.matcher(svg).find(), "rounded numbers only");

        Path html = dir.resolve("pareto.html");
        Files.writeString(html, "<!DOCTYPE html><html><body>" + svg + Chromium.OVERLAP_CHECK + "</body></html>");
        Chromium.Page page = chromium.dumpDom(html, "", dir.resolve("profile"));
        assertEquals("0", page.htmlAttribute("data-overlaps"), page.htmlAttribute("data-overlapping"));

        BufferedImage shot = chromium.screenshot(
                search.resolve("pareto.svg"), dir.resolve("pareto.png"), 640, 440, dir.resolve("profile"));
        assertTrue(Chromium.colours(shot) > 20, "the plot is drawn, not a blank page");
        Files.copy(dir.resolve("pareto.png"), SCREENSHOTS.resolve("pareto.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void theDashboardShowsASingleSearchFolder(@TempDir Path dir) throws Exception {
        ResultsCsv.Table table = RunFolder.singleSearch(search);
        assertEquals(1, table.rows().size());
        String key = table.rows().getFirst().get("run_key");
        RunFolder folder = RunFolder.read(search);
        assertEquals(result.uniform().size(), folder.uniform().size());
        Path html = dir.resolve("search.html");
        Files.writeString(
                html,
                Dashboard.render(table, "One search", search.toString(), Map.of(key, folder))
                        .replace("</body>", Chromium.OVERLAP_CHECK + "</body>"));

        Chromium.Page page = chromium.dumpDom(html, "", dir.resolve("profile"));
        assertEquals(List.of(), page.consoleLines(), "no console output");
        assertEquals("0", page.htmlAttribute("data-errors"));
        assertEquals("1", page.htmlAttribute("data-ready"));
        assertEquals("0", page.htmlAttribute("data-overlaps"), page.htmlAttribute("data-overlapping"));
        String size = plot(page.dom(), "size_bits");
        assertEquals(1, count(size, "class=\"baseline\""), "the float model");
        assertEquals(1, count(size, "class=\"budget\""), "the budget");
        assertEquals(result.uniform().size(), count(size, "class=\"uniform\""), "the uniform configs");
        assertEquals(result.pareto().size(), count(size, "class=\"sweep\""), "the search's sweep");
        assertEquals(1, count(size, "class=\"pt on-front\""), "the chosen config");
        assertTrue(page.dom().contains("id=\"leaderboard-single\""));
        assertFalse(NOISE.matcher(page.dom()).find(), "rounded numbers only");

        BufferedImage shot = chromium.screenshot(html, dir.resolve("search.png"), 1280, 900, dir.resolve("profile"));
        assertTrue(Chromium.colours(shot) > 50, "plots are drawn, not a blank page");
        Files.copy(
                dir.resolve("search.png"),
                SCREENSHOTS.resolve("dashboard-search.png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void runsAtTheSamePointStayVisible(@TempDir Path dir) throws Exception {
        ResultsCsv.Table table = ResultsCsv.read(RESULTS);
        Path html = dir.resolve("report.html");
        Files.writeString(
                html,
                Dashboard.render(table, "LeNet-5 budgets", RESULTS.toString())
                        .replace("</body>", Chromium.OVERLAP_CHECK + "</body>"));
        Chromium.Page page = chromium.dumpDom(html, "", dir.resolve("profile"));
        assertEquals("0", page.htmlAttribute("data-overlaps"), page.htmlAttribute("data-overlapping"));
        String size = plot(page.dom(), "size_bits"); // of the first model
        String model = table.rows().getFirst().get("model");
        long runs =
                table.rows().stream().filter(r -> r.get("model").equals(model)).count();
        assertEquals(runs, count(size, "<circle"), "one dot per run");
        // Distinct positions of the dots: every run visible, also those with the same size and accuracy.
        java.util.Set<String> positions = new java.util.HashSet<>();
        var m = Pattern.compile("<circle cx=\"([0-9.]+)\" cy=\"([0-9.]+)\"").matcher(size);
        while (m.find()) {
            positions.add(m.group(1) + "," + m.group(2));
        }
        assertEquals(runs, positions.size(), "no dot hidden under another");
        assertTrue(size.contains("runs at this point)"), "their titles say so");

        BufferedImage shot = chromium.screenshot(html, dir.resolve("report.png"), 1280, 1100, dir.resolve("profile"));
        assertTrue(Chromium.colours(shot) > 50, "plots are drawn, not a blank page");
        Files.copy(
                dir.resolve("report.png"), SCREENSHOTS.resolve("dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void assertNice(List<Double> ticks) {
        assertTrue(ticks.size() >= 3, "at least 3 ticks: " + ticks);
        double step = ticks.get(1) - ticks.get(0);
        double mantissa = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
        assertTrue(
                List.of(1.0, 2.0, 5.0).stream().anyMatch(n -> Math.abs(n - mantissa) < 1e-6),
                "a step of 1, 2 or 5 x 10^k: " + ticks);
        for (int i = 1; i < ticks.size(); i++) {
            assertEquals(step, ticks.get(i) - ticks.get(i - 1), step * 1e-6, "evenly spaced: " + ticks);
        }
    }

    private static double tickValue(String label) {
        double factor = label.endsWith("k") ? 1e3 : label.endsWith("M") ? 1e6 : label.endsWith("G") ? 1e9 : 1;
        return Double.parseDouble(factor == 1 ? label : label.substring(0, label.length() - 1)) * factor;
    }

    private static List<Element> elements(Document doc, String tag) {
        NodeList nodes = doc.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    private static List<Element> withClass(Document doc, String tag, String cssClass) {
        return elements(doc, tag).stream()
                .filter(e -> e.getAttribute("class").equals(cssClass))
                .toList();
    }

    private static String title(Element e) {
        NodeList t = e.getElementsByTagName("title");
        return t.getLength() == 0 ? "" : t.item(0).getTextContent();
    }

    /** The SVG of the first plot of {@code cost} in the page. */
    private static String plot(String dom, String cost) {
        int at = dom.indexOf("data-cost=\"" + cost + "\"");
        assertTrue(at >= 0, "a plot of " + cost);
        return dom.substring(at, dom.indexOf("</figure>", at));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int at = s.indexOf(what); at >= 0; at = s.indexOf(what, at + what.length())) {
            n++;
        }
        return n;
    }
}
