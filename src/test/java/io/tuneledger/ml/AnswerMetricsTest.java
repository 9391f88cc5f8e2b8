package io.tuneledger.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact match, token F1 and ROUGE-L of generated answers, worked out by hand, in English and Chinese. */
class AnswerMetricsTest {

    @Test
    void figuresAsWorkedOutByHand() {
        AnswerMetrics m = AnswerMetrics.of(
                List.of("The cat sat on the mat.", "Paris!", "北京是首都", ""),
                List.of("the cat is on the mat", "paris", "首都是北京", "yes"));
        // EM: only "Paris!" = "paris". F1: 5 of 6 tokens shared; 1; the same five characters; nothing.
        // ROUGE-L: "the cat on the mat" (5 of 6); 1; "首都" or "北京" (2 of 5); 0.
        assertEquals(4, m.answers());
        assertEquals(0.25, m.exactMatch(), 1e-12);
        assertEquals((5.0 / 6 + 1 + 1 + 0) / 4, m.tokenF1(), 1e-12);
        assertEquals((5.0 / 6 + 1 + 0.4 + 0) / 4, m.rougeL(), 1e-12);
        assertEquals(m.tokenF1(), m.primary());
    }

    @Test
    void tokensIgnorePunctuationAndCaseAndSplitIdeographs() {
        assertEquals(List.of("covid", "19", "vaccine", "疫", "苗", "ok"),
                AnswerMetrics.tokens("COVID-19 vaccine, 疫苗OK"));
        assertEquals(1.0, AnswerMetrics.of(List.of(""), List.of(" ")).exactMatch());
        assertEquals(0.0, AnswerMetrics.of(List.of("a b"), List.of("c")).tokenF1());
    }
}
