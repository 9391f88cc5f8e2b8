package io.tuneledger.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Log ids operators grep are declared once: unique numbers, and no source writes one as a literal. */
class LogIdTest {

    @Test
    void everyIdHasItsOwnNumber() {
        long distinct = Arrays.stream(LogId.values()).mapToInt(LogId::number).distinct().count();
        assertEquals(LogId.values().length, distinct);
        assertEquals("TUNE0001", LogId.JOB_STARTED.toString());
    }

    @Test
    void theOperationsReferenceListsEveryId() throws Exception {
        Path doc = Path.of("docs", "operations.md");
        String text = Files.readString(doc);
        java.util.regex.Matcher m = Pattern.compile("(<!-- log ids:[^\\n]*-->\\n)(.*?)(<!-- end of log ids -->)",
                Pattern.DOTALL).matcher(text);
        assertEquals(true, m.find(), "docs/operations.md has the generated table");
        StringBuilder table = new StringBuilder("| id | what it reports |\n|---|---|\n");
        for (LogId id : LogId.values()) {
            table.append("| `").append(id).append("` | ").append(id.meaning()).append(" |\n");
        }
        String rewritten = text.substring(0, m.start()) + m.group(1) + table + m.group(3) + text.substring(m.end());
        if (Boolean.getBoolean("tuneledger.docs.write")) {
            Files.writeString(doc, rewritten);
        }
        assertEquals(rewritten, Files.readString(doc), doc + " is out of date: run mvn test -Dtest=LogIdTest"
                + " -Dtuneledger.docs.write=true");
    }

    @Test
    void noSourceWritesALiteralId() throws Exception {
        Pattern literal = Pattern.compile("TUNE\\d{4}");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (f.getFileName().toString().equals("LogId.java")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (literal.matcher(lines.get(i)).find()) {
                        found.add(f + ":" + (i + 1));
                    }
                }
            }
        }
        assertEquals(List.of(), found, "log ids written as literals instead of LogId");
    }
}
