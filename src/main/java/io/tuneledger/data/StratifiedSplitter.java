package io.tuneledger.data;

import io.tuneledger.ml.Split;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splits records into train, validation and test, stratified by label and deterministic from a seed. The unit of
 * assignment is a group (a record with its near duplicates), so no near-duplicate pair is split across train and
 * test. Within each label, groups are ordered by SHA-256(seed, first member's id), which depends on nothing but the
 * seed and the ids: the same input and seed give the same split on any machine, in any input order.
 */
public final class StratifiedSplitter {

    /** A record to assign: its line (key), id, label and group. */
    public record Member(long line, String id, String label, long group) {
    }

    private final double[] ratios;
    private final long seed;

    /** {@code ratios}: three non-negative shares of train, validation and test that sum to 1. */
    public StratifiedSplitter(double[] ratios, long seed) {
        if (ratios.length != 3) {
            throw new IllegalArgumentException("three ratios are needed: train, validation, test");
        }
        double sum = 0;
        for (double r : ratios) {
            if (r < 0 || Double.isNaN(r)) {
                throw new IllegalArgumentException("ratios must not be negative");
            }
            sum += r;
        }
        if (Math.abs(sum - 1.0) > 1e-6) {
            throw new IllegalArgumentException("ratios must sum to 1, they sum to " + sum);
        }
        this.ratios = ratios.clone();
        this.seed = seed;
    }

    /** Parses "0.8,0.1,0.1". */
    public static double[] parseRatios(String value) {
        String[] parts = value.split(",");
        if (parts.length != 3) {
            throw new IllegalArgumentException("needs three shares (train,validation,test), e.g. 0.8,0.1,0.1");
        }
        double[] r = new double[3];
        for (int i = 0; i < 3; i++) {
            r[i] = Double.parseDouble(parts[i].strip());
        }
        return r;
    }

    /** The split of every member, keyed by line. */
    public Map<Long, Split> assign(List<Member> members) {
        // label -> group -> members; the group's label is its first member's
        Map<String, Map<Long, List<Member>>> byLabel = new TreeMap<>();
        Map<Long, String> groupLabel = new LinkedHashMap<>();
        for (Member m : members) {
            String label = groupLabel.computeIfAbsent(m.group(), g -> m.label());
            byLabel.computeIfAbsent(label, l -> new LinkedHashMap<>()).computeIfAbsent(m.group(), g -> new ArrayList<>())
                    .add(m);
        }
        Map<Long, Split> result = new TreeMap<>();
        for (Map<Long, List<Member>> groups : byLabel.values()) {
            List<List<Member>> ordered = new ArrayList<>(groups.values());
            ordered.sort((a, b) -> orderKey(a.get(0).id()).compareTo(orderKey(b.get(0).id())));
            long total = ordered.stream().mapToLong(List::size).sum();
            double trainEnd = total * ratios[0];
            double validationEnd = total * (ratios[0] + ratios[1]);
            long before = 0;
            for (List<Member> group : ordered) {
                Split split = before < Math.round(trainEnd) ? Split.TRAIN
                        : before < Math.round(validationEnd) ? Split.VALIDATION : Split.TEST;
                for (Member m : group) {
                    result.put(m.line(), split);
                }
                before += group.size();
            }
        }
        return result;
    }

    /**
     * The members with the groups of members that share a key joined into one (the smallest group number), so that
     * they land in one split: for retrieval the key is the answer document, and no answer is both trained on and
     * tested.
     */
    public static List<Member> joinGroups(List<Member> members, java.util.function.Function<Member, String> key) {
        Map<Long, Long> parent = new java.util.HashMap<>();
        Map<String, Long> groupOfKey = new java.util.HashMap<>();
        for (Member m : members) {
            Long other = groupOfKey.putIfAbsent(key.apply(m), m.group());
            if (other != null) {
                long a = root(parent, m.group());
                long b = root(parent, other);
                if (a != b) {
                    parent.put(Math.max(a, b), Math.min(a, b));
                }
            }
        }
        List<Member> joined = new ArrayList<>(members.size());
        for (Member m : members) {
            joined.add(new Member(m.line(), m.id(), m.label(), root(parent, m.group())));
        }
        return joined;
    }

    private static long root(Map<Long, Long> parent, long group) {
        long g = group;
        for (Long p = parent.get(g); p != null; p = parent.get(g)) {
            g = p;
        }
        return g;
    }

    private String orderKey(String id) {
        return orderKey(seed, id);
    }

    /** SHA-256(seed, key) in hex: an order of keys that depends on nothing but the seed. */
    static String orderKey(long seed, String key) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update((seed + "\u0000" + key).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
