package io.tuneledger.audit;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The chain's head written down outside the database: a JSON Lines file that is only ever appended to, one line an
 * anchor ({@code time}, {@code seq}, {@code hash} of that event, and a MAC over them with a ledger key), after a first
 * line that says from which event on every event carries a MAC ({@code macFrom}). Someone who rewrites the database
 * cannot make its events match the hashes anchored here, nor forge a line. Each anchor also goes to the server log
 * (and from there to syslog where the logging is set up so), a second copy out of reach of the database.
 */
public final class LedgerAnchors {

    /** One line of the file, read back; {@code valid} says whether its MAC matched. */
    public record Anchor(int line, String time, long seq, String hash, String keyId, boolean valid) {
    }

    /** The whole file: from which event MACs are required, the anchors in order, and lines that failed to read. */
    public record Contents(long macFrom, List<Anchor> anchors, List<String> problems) {
        public Anchor last() {
            return anchors.isEmpty() ? null : anchors.get(anchors.size() - 1);
        }
    }

    private final Path file;
    private final LedgerKeys keys;

    public LedgerAnchors(Path file, LedgerKeys keys) {
        this.file = file;
        this.keys = keys;
    }

    public Path file() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    /** Starts the file: every event from {@code macFrom} on must carry a MAC. */
    public synchronized void create(long macFrom) {
        String time = AuditLedger.timeText(Instant.now());
        String keyId = keys.currentId();
        String mac = keys.mac(keyId, "anchors\n" + time + "\n" + macFrom);
        append(Json.createObjectBuilder().add("macFrom", macFrom).add("time", time).add("keyId", keyId)
                .add("mac", mac).build().toString());
    }

    /** Appends an anchor of event {@code seq} with hash {@code hash}; answers the line written. */
    public synchronized String anchor(long seq, String hash) {
        String time = AuditLedger.timeText(Instant.now());
        String keyId = keys.currentId();
        String line = Json.createObjectBuilder().add("time", time).add("seq", seq).add("hash", hash)
                .add("keyId", keyId).add("mac", keys.mac(keyId, text(time, seq, hash))).build().toString();
        append(line);
        return line;
    }

    /** Reads the file back, checking each line's MAC. */
    public synchronized Contents read() {
        List<Anchor> anchors = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long macFrom = Long.MAX_VALUE;
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Contents(macFrom, anchors, List.of("the anchor file " + file + " cannot be read: "
                    + e.getMessage()));
        }
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            if (lines.get(i).isBlank()) {
                continue;
            }
            try (JsonReader reader = Json.createReader(new StringReader(lines.get(i)))) {
                JsonObject o = reader.readObject();
                String keyId = o.getString("keyId");
                String time = o.getString("time");
                if (o.containsKey("macFrom")) {
                    long from = o.getJsonNumber("macFrom").longValueExact();
                    if (!o.getString("mac").equals(keys.mac(keyId, "anchors\n" + time + "\n" + from))) {
                        problems.add("line " + number + " of the anchor file was altered (its MAC does not match)");
                    } else if (number == 1) {
                        macFrom = from;
                    }
                    continue;
                }
                long seq = o.getJsonNumber("seq").longValueExact();
                String hash = o.getString("hash");
                boolean valid = o.getString("mac").equals(keys.mac(keyId, text(time, seq, hash)));
                if (!valid) {
                    problems.add("line " + number + " of the anchor file was altered (its MAC does not match)");
                }
                anchors.add(new Anchor(number, time, seq, hash, keyId, valid));
            } catch (JsonException | ClassCastException | NullPointerException | ArithmeticException e) {
                problems.add("line " + number + " of the anchor file is not an anchor: " + e.getMessage());
            }
        }
        return new Contents(macFrom, anchors, problems);
    }

    private static String text(String time, long seq, String hash) {
        return "anchor\n" + time + "\n" + seq + "\n" + hash;
    }

    /** Appends one line and forces it to the disk. */
    private void append(String line) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                out.write(StandardCharsets.UTF_8.encode(line + "\n"));
                out.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to the ledger anchor file " + file + ": " + e.getMessage(),
                    e);
        }
    }
}
