package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.ml.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeduplicationAndSplitTest {

    private static String words(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("w").append(r.nextInt(5000)).append(' ');
        }
        return b.toString().strip();
    }

    @Test
    void exactNearAndConflictingCopies() {
        Random r = new Random(1);
        String base = words(r, 200);
        String near = base.replaceFirst("w\\d+", "changed");
        String other = words(r, 200);
        Deduplicator d = new Deduplicator(Deduplicator.Mode.NEAR, 0.9);
        d.add(1, "a", "ham", base);
        d.add(2, "b", "ham", "  " + base.toUpperCase() + "\n");
        d.add(3, "c", "ham", near);
        d.add(4, "d", "spam", other);
        d.add(5, "e", "ham", other);
        d.add(6, "f", "spam", words(r, 200));
        List<Deduplicator.Decision> out = d.decide();
        assertEquals(List.of(Deduplicator.Status.KEPT, Deduplicator.Status.DUPLICATE, Deduplicator.Status.DUPLICATE,
                Deduplicator.Status.CONFLICT, Deduplicator.Status.CONFLICT, Deduplicator.Status.KEPT),
                out.stream().map(Deduplicator.Decision::status).toList());
        assertEquals("exact", out.get(1).kind());
        assertEquals("near", out.get(2).kind());
        assertEquals("a", out.get(2).ofId());
        assertTrue(out.get(2).similarity() >= 0.9);
        assertEquals("spam", out.get(4).ofLabel());
        assertEquals(1, out.get(2).group());
    }

    @Test
    void modesDecideWhatIsRemovedButGroupsStay() {
        Random r = new Random(2);
        String base = words(r, 200);
        String near = base.replaceFirst("w\\d+", "changed");
        for (Deduplicator.Mode mode : Deduplicator.Mode.values()) {
            Deduplicator d = new Deduplicator(mode, 0.9);
            d.add(1, "a", "x", base);
            d.add(2, "b", "x", base);
            d.add(3, "c", "x", near);
            List<Deduplicator.Decision> out = d.decide();
            long kept = out.stream().filter(o -> o.status() == Deduplicator.Status.KEPT).count();
            assertEquals(switch (mode) { case NONE -> 3L; case EXACT -> 2L; case NEAR -> 1L; }, kept, mode.name());
            assertTrue(out.stream().allMatch(o -> o.group() == 1), "one group in mode " + mode);
        }
    }

    @Test
    void dissimilarTextsAreNotNearDuplicates() {
        Random r = new Random(3);
        Deduplicator d = new Deduplicator(Deduplicator.Mode.NEAR, 0.9);
        for (int i = 0; i < 300; i++) {
            d.add(i + 1, "id" + i, "x", words(r, 50));
        }
        assertTrue(d.decide().stream().allMatch(o -> o.status() == Deduplicator.Status.KEPT));
    }

    @Test
    void splitIsStratifiedDeterministicAndIndependentOfInputOrder() {
        List<StratifiedSplitter.Member> members = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            members.add(new StratifiedSplitter.Member(i + 1, "id" + i, i % 4 == 0 ? "spam" : "ham", i + 1));
        }
        StratifiedSplitter s = new StratifiedSplitter(new double[] {0.8, 0.1, 0.1}, 42);
        Map<Long, Split> a = s.assign(members);
        List<StratifiedSplitter.Member> shuffled = new ArrayList<>(members);
        Collections.shuffle(shuffled, new Random(9));
        assertEquals(a, s.assign(shuffled));
        long spamTrain = members.stream().filter(m -> m.label().equals("spam")
                && a.get(m.line()) == Split.TRAIN).count();
        long hamTest = members.stream().filter(m -> m.label().equals("ham")
                && a.get(m.line()) == Split.TEST).count();
        assertEquals(200, spamTrain);
        assertEquals(75, hamTest);
        Map<Long, Split> other = new StratifiedSplitter(new double[] {0.8, 0.1, 0.1}, 7).assign(members);
        assertTrue(!a.equals(other), "another seed gives another split");
    }

    @Test
    void groupsStayInOneSplit() {
        List<StratifiedSplitter.Member> members = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long group = i < 100 ? (i / 5) * 5 + 1 : i + 1;
            members.add(new StratifiedSplitter.Member(i + 1, "id" + i, "x", group));
        }
        Map<Long, Split> a = new StratifiedSplitter(new double[] {0.6, 0.2, 0.2}, 1).assign(members);
        for (StratifiedSplitter.Member m : members) {
            assertEquals(a.get(m.group()), a.get(m.line()), "member " + m.line() + " of group " + m.group());
        }
    }
}
