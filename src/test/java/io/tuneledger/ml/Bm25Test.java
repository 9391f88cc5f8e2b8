package io.tuneledger.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Bm25Test {

    private static final List<String> DOCUMENTS = List.of(
            "The cat sat on the mat.",
            "Dogs chase the cat and the other dogs.",
            "cp: copy files and directories",
            "删除文件或目录",
            "复制文件和目录");

    @Test
    void termsAreLowerCasedWordsAndChineseCharactersWithTheirPairs() {
        assertEquals(List.of("hello", "world", "42"), Bm25.terms("Hello, WORLD 42!"));
        assertEquals(List.of("full"), Bm25.terms("ＦＵＬＬ"), "NFKC folds full-width letters");
        assertEquals(List.of("复", "制", "复制", "文", "制文", "件", "文件", "x"), Bm25.terms("复制文件 x"));
    }

    @Test
    void theDocumentSharingTheRarestTermsComesFirst() {
        Bm25 index = new Bm25(DOCUMENTS);
        assertEquals(2, index.top("how do I copy a directory? copy", 1)[0]);
        assertArrayEquals(new int[] {0, 1}, index.top("cat mat", 2));
        assertEquals(4, index.top("复制目录", 1)[0], "复制 is only in the last document; 目录 in two");
        assertEquals(3, index.top("删除", 1)[0]);
    }

    @Test
    void scoresFollowTheFormula() {
        Bm25 index = new Bm25(List.of("a b", "a c c", "d"));
        // "c": n = 1 of N = 3, idf = ln(1 + 2.5 / 1.5); document 1 has tf 2, length 3, average length 2
        double idf = Math.log(1 + 2.5 / 1.5);
        double norm = 1.2 * (1 - 0.75 + 0.75 * 3 / 2.0);
        assertEquals(idf * 2 * 2.2 / (2 + norm), index.score(Map.of("c", 1), 1), 1e-12);
        assertEquals(0, index.score(Map.of("c", 1), 0));
        assertTrue(index.top("nothing matches", 3).length == 3, "every document is ranked, even at score 0");
    }
}
