package io.tuneledger.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Deals records into {@code k} folds for cross-validation, stratified and grouped, deterministic from a seed. A group
 * (records sharing a key: for retrieval the answer document) goes to one fold whole, so no answer is both trained on
 * and held out. Within each stratum (a label; retrieval has one), groups are taken in the order of SHA-256(seed,
 * group key) and each goes to the fold that has the fewest records of the stratum so far (then the fewest overall,
 * then the lowest number): every fold gets each label's share, whatever the input's order, on any machine.
 */
public final class FoldAssigner {

    /** A record to assign: its id, its stratum (label) and its group key. */
    public record Member(String id, String stratum, String group) {
    }

    private final int folds;
    private final long seed;

    public FoldAssigner(int folds, long seed) {
        if (folds < 2) {
            throw new IllegalArgumentException("cross-validation needs at least 2 folds");
        }
        this.folds = folds;
        this.seed = seed;
    }

    /** The fold (0 to k-1) of every member, by id. */
    public Map<String, Integer> assign(List<Member> members) {
        // stratum -> group key -> members; a group belongs to the stratum of its first member
        Map<String, Map<String, List<Member>>> strata = new TreeMap<>();
        Map<String, String> stratumOfGroup = new LinkedHashMap<>();
        for (Member m : members) {
            String stratum = stratumOfGroup.computeIfAbsent(m.group(), g -> m.stratum());
            strata.computeIfAbsent(stratum, s -> new LinkedHashMap<>())
                    .computeIfAbsent(m.group(), g -> new ArrayList<>()).add(m);
        }
        long[] total = new long[folds];
        Map<String, Integer> result = new LinkedHashMap<>();
        for (Map<String, List<Member>> groups : strata.values()) {
            List<String> keys = new ArrayList<>(groups.keySet());
            keys.sort((a, b) -> orderKey(a).compareTo(orderKey(b)));
            long[] inStratum = new long[folds];
            for (String key : keys) {
                int best = 0;
                for (int f = 1; f < folds; f++) {
                    if (inStratum[f] < inStratum[best] || inStratum[f] == inStratum[best] && total[f] < total[best]) {
                        best = f;
                    }
                }
                List<Member> group = groups.get(key);
                for (Member m : group) {
                    result.put(m.id(), best);
                }
                inStratum[best] += group.size();
                total[best] += group.size();
            }
        }
        return result;
    }

    private String orderKey(String key) {
        return StratifiedSplitter.orderKey(seed, key);
    }
}
