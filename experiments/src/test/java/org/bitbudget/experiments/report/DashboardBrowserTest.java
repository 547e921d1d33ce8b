package org.bitbudget.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bitbudget.experiments.batch.ResultsCsv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard opened in headless Chromium (Debian package {@code chromium}; {@code ./bitbudget test}
 * installs it when run as root): it renders with no console message and no script error, draws a plot
 * per model and cost, lists every run and sorts the table. A page with a deliberate error checks that
 * errors would be seen. A missing Chromium fails the test ({@link Chromium#find}).
 */
class DashboardBrowserTest {
    private static final Path RESULTS = Path.of("src/test/resources/report/lenet5-budgets-results.csv");
    private static Chromium chromium;

    @BeforeAll
    static void findChromium() {
        chromium = Chromium.find();
    }

    static Chromium.Page open(Path html, String fragment, Path profile) throws IOException, InterruptedException {
        return chromium.dumpDom(html, fragment, profile);
    }

    @Test
    void theReportRendersWithoutErrorsAndSorts(@TempDir Path dir) throws Exception {
        ResultsCsv.Table table = ResultsCsv.read(RESULTS);
        Path html = dir.resolve("report.html");
        Files.writeString(html, Dashboard.render(table, "LeNet-5 budgets", RESULTS.toString()));
        String source = Files.readString(html);
        assertFalse(
                source.contains("<link")
                        || source.contains("src=\"http")
                        || source.contains("@import")
                        || source.contains("fetch("),
                "self-contained: nothing to download");

        Chromium.Page page = open(html, "#sort=-accuracy", dir.resolve("profile"));
        assertEquals(List.of(), page.consoleLines(), "no console output");
        assertTrue(page.dom().contains("data-errors=\"0\""), "no script error recorded");
        assertTrue(page.dom().contains("data-ready=\"1\""), "the scripts ran to the end");
        assertEquals(2 * 5, count(page.dom(), "<figure class=\"plot\""), "a plot per model and cost");
        assertEquals(2 * 5 + 1, count(page.dom(), "class=\"front\""), "a Pareto front in every plot, and the legend's");
        assertTrue(
                page.dom().contains("id=\"leaderboard-single\"") && !page.dom().contains("id=\"leaderboard-table\""),
                "one estimator: a sentence, not an empty leaderboard");

        List<String> header = table.header();
        List<List<String>> rows = tableRows(page.dom(), "runs-table");
        assertEquals(table.rows().size(), rows.size(), "every run in the table");
        int accuracy = header.indexOf("accuracy");
        double best = table.rows().stream()
                .mapToDouble(r -> Double.parseDouble(r.get("accuracy")))
                .max()
                .orElseThrow();
        assertEquals(best, Double.parseDouble(rows.getFirst().get(accuracy)), "sorted by accuracy, descending");
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(Double.parseDouble(rows.get(i - 1).get(accuracy))
                    >= Double.parseDouble(rows.get(i).get(accuracy)));
        }
    }

    @Test
    void aBrokenPageWouldBeNoticed(@TempDir Path dir) throws Exception {
        String html = Dashboard.render(ResultsCsv.read(RESULTS), "broken", "x")
                .replace("</body>", "<script>thisFunctionDoesNotExist();</script></body>");
        Path file = dir.resolve("broken.html");
        Files.writeString(file, html);
        Chromium.Page page = open(file, "", dir.resolve("profile"));
        assertTrue(page.dom().contains("data-errors=\"1\""), "the error trap records the error");
        assertFalse(page.consoleLines().isEmpty(), "Chromium logs it");
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int at = s.indexOf(what); at >= 0; at = s.indexOf(what, at + what.length())) {
            n++;
        }
        return n;
    }

    /** The body rows of table {@code id}, as cell texts. */
    private static List<List<String>> tableRows(String dom, String id) {
        int start = dom.indexOf("id=\"" + id + "\"");
        String body = dom.substring(dom.indexOf("<tbody>", start), dom.indexOf("</tbody>", start));
        List<List<String>> rows = new ArrayList<>();
        Matcher row = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL).matcher(body);
        while (row.find()) {
            List<String> cells = new ArrayList<>();
            Matcher cell = Pattern.compile("<td>(.*?)</td>", Pattern.DOTALL).matcher(row.group(1));
            while (cell.find()) {
                cells.add(
                        cell.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
            }
            rows.add(cells);
        }
        return rows;
    }
}
