package org.bitbudget.experiments.report;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Headless Chromium (Debian package {@code chromium}, which {@code ./bitbudget test} installs) for the
 * report tests: the DOM of a page after its scripts ran, its console log, and screenshots. A missing
 * Chromium fails the test with the command that installs it.
 */
final class Chromium {
    /**
     * Appended to a page: counts pairs of {@code <text>} elements whose rendered boxes overlap within one
     * SVG, as {@code data-overlaps} on {@code <html>}, and names them in {@code data-overlapping}.
     */
    static final String OVERLAP_CHECK = """
            <script>
            (function () {
              var pairs = [];
              document.querySelectorAll('svg').forEach(function (svg) {
                var boxes = Array.prototype.map.call(svg.querySelectorAll('text'), function (t) {
                  return {text: t.textContent, r: t.getBoundingClientRect()};
                }).filter(function (b) { return b.r.width > 0; });
                for (var i = 0; i < boxes.length; i++) {
                  for (var j = i + 1; j < boxes.length; j++) {
                    var a = boxes[i].r, c = boxes[j].r;
                    if (a.left < c.right - 0.5 && c.left < a.right - 0.5 && a.top < c.bottom - 0.5 && c.top < a.bottom - 0.5) {
                      pairs.push(boxes[i].text + ' / ' + boxes[j].text);
                    }
                  }
                }
              });
              document.documentElement.setAttribute('data-overlaps', String(pairs.length));
              document.documentElement.setAttribute('data-overlapping', pairs.join('; '));
            })();
            </script>
            """;

    private final String binary;

    private Chromium(String binary) {
        this.binary = binary;
    }

    /** The installed Chromium; fails the test when there is none. */
    static Chromium find() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return new Chromium(Path.of(dir, name).toString());
                }
            }
        }
        return fail("headless Chromium is not installed: ./bitbudget test installs it when run as root, "
                + "otherwise: sudo apt-get install chromium");
    }

    /** What Chromium printed: the DOM after scripts ran, and its log. */
    record Page(String dom, String log) {
        List<String> consoleLines() {
            return log.lines().filter(l -> l.contains(":CONSOLE")).toList();
        }

        /** The value of attribute {@code name} of {@code <html>}. */
        String htmlAttribute(String name) {
            int html = dom.indexOf("<html");
            int end = dom.indexOf('>', html);
            String tag = dom.substring(html, end);
            int at = tag.indexOf(name + "=\"");
            return at < 0 ? null : tag.substring(at + name.length() + 2, tag.indexOf('"', at + name.length() + 2));
        }
    }

    private List<String> command(Path profile) {
        return new ArrayList<>(List.of(
                binary,
                "--headless",
                "--disable-gpu",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-extensions",
                "--hide-scrollbars",
                "--enable-logging=stderr",
                "--v=0",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=5000"));
    }

    /** Opens {@code page} (plus {@code fragment}) and returns the DOM after its scripts ran. */
    Page dumpDom(Path page, String fragment, Path profile) throws IOException, InterruptedException {
        Path log = Files.createTempFile(profile.getParent(), "chromium", ".log");
        List<String> command = command(profile);
        command.add("--dump-dom");
        command.add(page.toUri() + fragment);
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        byte[] dom = p.getInputStream().readAllBytes();
        finish(p);
        return new Page(new String(dom, StandardCharsets.UTF_8), Files.readString(log));
    }

    /** A screenshot of {@code page} in a window of {@code width} × {@code height}, read back as an image. */
    BufferedImage screenshot(Path page, Path png, int width, int height, Path profile)
            throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        List<String> command = command(profile);
        command.add("--screenshot=" + png.toAbsolutePath());
        command.add("--window-size=" + width + "," + height);
        command.add(page.toUri().toString());
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(profile.resolveSibling("screenshot.log").toFile())
                .start();
        finish(p);
        assertTrue(Files.isRegularFile(png), "chromium wrote " + png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null && image.getWidth() == width && image.getHeight() == height, "a PNG of the window");
        return image;
    }

    private static void finish(Process p) throws InterruptedException {
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 90 s");
        }
    }

    /** Distinct colours among every 4th pixel: a blank page has one, a plot page hundreds. */
    static int colours(BufferedImage image) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
