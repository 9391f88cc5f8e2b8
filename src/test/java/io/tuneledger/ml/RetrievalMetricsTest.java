package io.tuneledger.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {

    private static final List<String> ELEVEN = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "z");

    @Test
    void figuresOfThreeQueriesWithOneAnswerEach() {
        RetrievalMetrics m = RetrievalMetrics.of(
                List.of(List.of("a", "b", "c"), List.of("a", "b", "c"), ELEVEN),
                List.of(Set.of("a"), Set.of("c"), Set.of("z")));
        // first query: answer at rank 1; second: at rank 3; third: at rank 11, past the cut-off
        assertEquals(3, m.queries());
        assertEquals(1 / 3.0, m.recallAt1(), 1e-12);
        assertEquals(2 / 3.0, m.recallAt5(), 1e-12);
        assertEquals(2 / 3.0, m.recallAt10(), 1e-12);
        assertEquals((1 + 1 / 3.0) / 3, m.mrrAt10(), 1e-12);
        assertEquals((1 + 1 / (Math.log(4) / Math.log(2))) / 3, m.ndcgAt10(), 1e-12);
        assertEquals(m.mrrAt10(), m.primary());
    }

    @Test
    void aQueryWithTwoAnswers() {
        RetrievalMetrics m = RetrievalMetrics.of(List.of(List.of("a", "x", "b")), List.of(Set.of("a", "b")));
        assertEquals(0.5, m.recallAt1(), 1e-12);
        assertEquals(1.0, m.recallAt5(), 1e-12);
        assertEquals(1.0, m.mrrAt10(), 1e-12);
        double dcg = 1 + 1 / (Math.log(4) / Math.log(2));
        double ideal = 1 + 1 / (Math.log(3) / Math.log(2));
        assertEquals(dcg / ideal, m.ndcgAt10(), 1e-12);
    }

    @Test
    void readBackFromJsonAndRefusedWithoutAnswers() {
        RetrievalMetrics m = RetrievalMetrics.of(List.of(List.of("b", "a")), List.of(Set.of("a")));
        assertEquals(m, RetrievalMetrics.fromJson(m.toJson()));
        assertEquals("mrr@10 0.500, recall@1 0.000, recall@5 1.000, recall@10 1.000, ndcg@10 0.631", m.describe());
        assertThrows(IllegalArgumentException.class, () -> RetrievalMetrics.of(List.of(List.of("a")),
                List.of(Set.of())));
    }
}
