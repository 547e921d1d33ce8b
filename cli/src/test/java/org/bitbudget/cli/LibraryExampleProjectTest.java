package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/library-search}, a Maven project of its own, built against BitBudget's artifacts and
 * run. The artifacts are "installed" into a temporary local repository: each module's compiled classes
 * as its jar, beside its pom (what {@code mvn install} puts there). Every other artifact, plugins
 * included, comes from the build's own local repository, read as the first remote repository (Maven
 * Central after it), so the shared local repository is never written and nothing this build already
 * has is downloaded.
 */
class LibraryExampleProjectTest {
    private static final Path PROJECT = Path.of(System.getProperty("bitbudget.defaultModel", "../models/x.onnx"))
            .toAbsolutePath()
            .getParent()
            .getParent();
    private static final String VERSION = "0.1.0-SNAPSHOT";

    @Test
    void theExampleProjectBuildsAgainstTheInstalledArtifactsAndSearches(@TempDir Path dir) throws Exception {
        Path example = PROJECT.resolve("examples/library-search");
        List<String> source = Files.readAllLines(example.resolve("src/main/java/Search.java"));
        assertTrue(source.size() <= 20, "a search in at most 20 lines: " + source.size());

        Path repo = dir.resolve("repo");
        int installed = install(repo);
        assertTrue(installed >= 11, "the modules a search needs: " + installed);
        Path settings = dir.resolve("settings.xml");
        // The build's local repository as the first remote one: everything this build used comes from
        // there; anything else (say, a plugin a test run never needed) from Maven Central.
        Files.writeString(settings, """
                <settings>
                  <profiles>
                    <profile>
                      <id>build-repository</id>
                      <repositories>
                        <repository><id>build-repository</id><url>%1$s</url></repository>
                      </repositories>
                      <pluginRepositories>
                        <pluginRepository><id>build-repository</id><url>%1$s</url></pluginRepository>
                      </pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>build-repository</activeProfile></activeProfiles>
                </settings>
                """.formatted(
                        Path.of(System.getProperty("bitbudget.m2")).toUri()));
        Path project = dir.resolve("library-search");
        copy(example, project);

        Run build = run(
                project,
                "mvn",
                "-B",
                "-q",
                "-Dstyle.color=never",
                "-s",
                settings.toString(),
                "-Dmaven.repo.local=" + repo,
                "compile",
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
                "-Dmdep.outputFile=cp.txt");
        assertEquals(0, build.code(), build.output());
        String classpath = Files.readString(project.resolve("cp.txt")).strip();
        assertTrue(
                classpath.contains(repo.resolve("org/bitbudget/bitbudget-pipeline/" + VERSION)
                        .toString()),
                "the pipeline comes from the installed artifacts: " + classpath);

        Run search = run(
                project,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                project.resolve("target/classes") + java.io.File.pathSeparator + classpath,
                "Search",
                PROJECT.resolve("models/lenet5-fashion-mnist.onnx").toString());
        assertEquals(0, search.code(), search.output());
        Matcher accuracy = Pattern.compile("accuracy (0\\.\\d+), size (\\d+(?:\\.\\d+)?) bits")
                .matcher(search.output());
        assertTrue(accuracy.find(), search.output());
        assertTrue(Double.parseDouble(accuracy.group(1)) > 0.8, search.output());
        assertTrue(search.output().contains("/c1/Conv"), "the chosen config names the layers: " + search.output());
    }

    /** Jars and poms of the BitBudget modules on this test's class path, and the parent pom. */
    private static int install(Path repo) throws IOException {
        int count = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path classes = Path.of(entry);
            if (!classes.endsWith(Path.of("target", "classes")) || !Files.isDirectory(classes)) {
                continue;
            }
            Path module = classes.getParent().getParent();
            String artifact = artifactId(Files.readString(module.resolve("pom.xml")));
            Path folder = repo.resolve("org/bitbudget/" + artifact + "/" + VERSION);
            Files.createDirectories(folder);
            jar(classes, folder.resolve(artifact + "-" + VERSION + ".jar"));
            Files.copy(module.resolve("pom.xml"), folder.resolve(artifact + "-" + VERSION + ".pom"));
            count++;
        }
        Path parent = repo.resolve("org/bitbudget/bitbudget-parent/" + VERSION);
        Files.createDirectories(parent);
        Files.copy(PROJECT.resolve("pom.xml"), parent.resolve("bitbudget-parent-" + VERSION + ".pom"));
        return count;
    }

    /** The module's own artifactId: the first one after its parent block. */
    private static String artifactId(String pom) {
        Matcher m =
                Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(pom.substring(pom.indexOf("</parent>")));
        assertTrue(m.find());
        return m.group(1);
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    if (!f.getFileName().toString().equals("target")) {
                        Files.createDirectories(target);
                    }
                } else if (!from.relativize(f).startsWith("target")) {
                    Files.copy(f, target);
                }
            }
        }
    }

    private record Run(int code, String output) {}

    private static Run run(Path dir, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("MAVEN_OPTS", "--sun-misc-unsafe-memory-access=allow");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "finished");
        return new Run(p.exitValue(), new String(out));
    }
}
