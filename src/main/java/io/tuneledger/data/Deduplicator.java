package io.tuneledger.data;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Finds exact and near duplicates among a dataset's records, in input order.
 * <ul>
 * <li>Exact: the SHA-256 of the normalized text (NFKC, lower case, whitespace collapsed) is equal. When copies of
 * one text carry different labels, every copy is a label conflict.</li>
 * <li>Near: MinHash signatures ({@value #HASHES} hash functions over character 5-gram shingles of the first
 * {@value #MAX_CHARS} normalized characters) with LSH banding ({@value #BANDS} bands of {@value #ROWS} rows) to find
 * candidate pairs; a pair is a near duplicate when its estimated Jaccard similarity is at least the threshold.</li>
 * </ul>
 * Every record ends in a group (exact and near duplicates chained together), so the split can keep a group in one
 * split. With {@link Mode#NEAR} the first record of a group is kept and the others are duplicates; with
 * {@link Mode#EXACT} only exact copies are; with {@link Mode#NONE} nothing is removed. Deterministic: the same
 * records in the same order give the same decisions on any machine.
 */
public final class Deduplicator {

    /** Which duplicates are removed. */
    public enum Mode {
        NONE, EXACT, NEAR
    }

    /** What happened to a record. */
    public enum Status {
        KEPT, DUPLICATE, CONFLICT
    }

    /** The decision for one record; {@code of*} name the kept record it duplicates or conflicts with. */
    public record Decision(long line, String id, String label, Status status, long group, String kind, String ofId,
            long ofLine, String ofLabel, double similarity) {

        /** The decision as a line of the staging file. */
        public jakarta.json.JsonObject toJson() {
            jakarta.json.JsonObjectBuilder b = jakarta.json.Json.createObjectBuilder().add("line", line).add("id", id)
                    .add("label", label).add("status", status.name()).add("group", group);
            if (status != Status.KEPT) {
                b.add("kind", kind).add("of", ofId).add("ofLine", ofLine).add("ofLabel", ofLabel)
                        .add("similarity", similarity);
            }
            return b.build();
        }
    }

    static final int HASHES = 128;
    static final int BANDS = 16;
    static final int ROWS = 8;
    static final int MAX_CHARS = 10_000;
    private static final int SHINGLE = 5;
    private static final int ALL_PAIRS_LIMIT = 200;
    private static final long[] SEEDS = new long[HASHES];

    static {
        long x = 0x7475_6e65_6c65_6467L;
        for (int i = 0; i < HASHES; i++) {
            x += 0x9E3779B97F4A7C15L;
            SEEDS[i] = mix(x);
        }
    }

    private final Mode mode;
    private final double threshold;
    private final List<Long> lines = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final List<int[]> signatures = new ArrayList<>();
    private final Map<Key, Integer> firstByText = new HashMap<>();
    private final List<Integer> exactOf = new ArrayList<>();

    public Deduplicator(Mode mode, double threshold) {
        if (threshold <= 0 || threshold > 1) {
            throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
        }
        this.mode = mode;
        this.threshold = threshold;
    }

    private record Key(long a, long b, long c, long d) {
    }

    /** Adds the next record (in input order). Only hashes and the signature are kept, not the text. */
    public void add(long line, String id, String label, String text) {
        String normalized = normalize(text);
        Key key = digest(normalized);
        int index = ids.size();
        lines.add(line);
        ids.add(id);
        labels.add(label);
        Integer first = firstByText.putIfAbsent(key, index);
        exactOf.add(first == null ? index : first);
        signatures.add(first == null ? signature(normalized) : null);
    }

    /** Decisions for every record added, in the order added. */
    public List<Decision> decide() {
        int n = ids.size();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = exactOf.get(i);
        }
        // exact groups with more than one label are conflicts: every member quarantined
        Map<Integer, java.util.Set<String>> labelsOfText = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            labelsOfText.computeIfAbsent(exactOf.get(i), k -> new java.util.TreeSet<>()).add(labels.get(i));
        }
        boolean[] conflict = new boolean[n];
        for (int i = 0; i < n; i++) {
            conflict[i] = labelsOfText.get(exactOf.get(i)).size() > 1;
        }
        // near duplicates among the first copies of each text (conflicts left out)
        double[] nearSimilarity = new double[n];
        int[] nearOf = new int[n];
        java.util.Arrays.fill(nearOf, -1);
        Map<Long, List<Integer>> buckets = new HashMap<>();
        for (int band = 0; band < BANDS; band++) {
            buckets.clear();
            for (int i = 0; i < n; i++) {
                int[] sig = signatures.get(i);
                if (sig == null || conflict[i]) {
                    continue;
                }
                long h = band * 0x100000001B3L;
                for (int r = 0; r < ROWS; r++) {
                    h = mix(h ^ sig[band * ROWS + r]);
                }
                buckets.computeIfAbsent(h, k -> new ArrayList<>()).add(i);
            }
            for (List<Integer> bucket : buckets.values()) {
                if (bucket.size() < 2) {
                    continue;
                }
                for (int x = 0; x < bucket.size(); x++) {
                    int limit = bucket.size() <= ALL_PAIRS_LIMIT ? x : Math.min(x, 1);
                    for (int y = 0; y < limit; y++) {
                        int a = bucket.get(y);
                        int b = bucket.get(x);
                        double s = similarity(signatures.get(a), signatures.get(b));
                        if (s >= threshold) {
                            union(parent, a, b);
                            if (s > nearSimilarity[b] && a < b) {
                                nearSimilarity[b] = s;
                                nearOf[b] = a;
                            }
                        }
                    }
                }
            }
        }
        List<Decision> decisions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int root = find(parent, i);
            long group = lines.get(root);
            int exact = exactOf.get(i);
            if (conflict[i]) {
                int other = firstWithOtherLabel(i);
                decisions.add(new Decision(line(i), ids.get(i), labels.get(i), Status.CONFLICT, group, "exact",
                        ids.get(other), line(other), labels.get(other), 1.0));
            } else if (exact != i && mode != Mode.NONE) {
                decisions.add(new Decision(line(i), ids.get(i), labels.get(i), Status.DUPLICATE, group, "exact",
                        ids.get(exact), line(exact), labels.get(exact), 1.0));
            } else if (exact == i && mode == Mode.NEAR && root != i) {
                int of = nearOf[i] >= 0 ? nearOf[i] : root;
                double s = nearOf[i] >= 0 ? nearSimilarity[i] : similarity(signatures.get(root), signatures.get(i));
                decisions.add(new Decision(line(i), ids.get(i), labels.get(i), Status.DUPLICATE, group, "near",
                        ids.get(of), line(of), labels.get(of), Math.round(s * 1000) / 1000.0));
            } else {
                decisions.add(new Decision(line(i), ids.get(i), labels.get(i), Status.KEPT, group, null, null, 0, null, 0));
            }
        }
        return decisions;
    }

    private long line(int i) {
        return lines.get(i);
    }

    /** The first copy of {@code i}'s text with another label (conflict groups are small: a linear scan). */
    private int firstWithOtherLabel(int i) {
        int exact = exactOf.get(i);
        for (int j = exact; j < ids.size(); j++) {
            if (exactOf.get(j) == exact && !Objects.equals(labels.get(j), labels.get(i))) {
                return j;
            }
        }
        return i;
    }

    /** The root of {@code i}'s group: always its member added first (roots are kept minimal). */
    private static int find(int[] parent, int i) {
        int r = i;
        while (parent[r] != r) {
            r = parent[r];
        }
        while (parent[i] != r) {
            int next = parent[i];
            parent[i] = r;
            i = next;
        }
        return r;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }

    /** NFKC, lower case, whitespace collapsed: what "the same text" means for de-duplication. */
    static String normalize(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
                .replaceAll("\\s+", " ").strip();
    }

    static int[] signature(String normalized) {
        int[] sig = new int[HASHES];
        long[] min = new long[HASHES];
        java.util.Arrays.fill(min, Long.MAX_VALUE);
        int length = Math.min(normalized.length(), MAX_CHARS);
        int last = Math.max(1, length - SHINGLE + 1);
        for (int start = 0; start < last; start++) {
            long h = 0xcbf29ce484222325L;
            int end = Math.min(length, start + SHINGLE);
            for (int k = start; k < end; k++) {
                h = (h ^ normalized.charAt(k)) * 0x100000001b3L;
            }
            for (int j = 0; j < HASHES; j++) {
                long v = mix(h ^ SEEDS[j]);
                if (Long.compareUnsigned(v, min[j]) < 0) {
                    min[j] = v;
                }
            }
        }
        for (int j = 0; j < HASHES; j++) {
            sig[j] = (int) (min[j] ^ (min[j] >>> 32));
        }
        return sig;
    }

    /** Estimated Jaccard similarity: the share of equal signature entries. */
    static double similarity(int[] a, int[] b) {
        int equal = 0;
        for (int j = 0; j < HASHES; j++) {
            if (a[j] == b[j]) {
                equal++;
            }
        }
        return equal / (double) HASHES;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static Key digest(String normalized) {
        byte[] d = JsonlFiles.sha256().digest(normalized.getBytes(StandardCharsets.UTF_8));
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(d);
        return new Key(bb.getLong(), bb.getLong(), bb.getLong(), bb.getLong());
    }
}
