package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EdaAugmenterTest {

    private final Thesaurus thesaurus = Thesaurus.of(List.of(List.of("cheap", "inexpensive"), List.of("buy", "purchase")));

    @Test
    void variantsAreDeterministicDifferentAndKeepPlaceholders() {
        EdaAugmenter eda = new EdaAugmenter(thesaurus, 7, 3);
        String text = "buy cheap watches now and mail [EMAIL] for the catalogue today";
        List<EdaAugmenter.Variant> a = eda.variants("r1", text);
        assertEquals(a, eda.variants("r1", text));
        assertEquals(3, a.size());
        assertEquals(List.of("r1#eda1", "r1#eda2", "r1#eda3"), a.stream().map(EdaAugmenter.Variant::id).toList());
        for (EdaAugmenter.Variant v : a) {
            assertNotEquals(text, v.text());
            assertTrue(v.text().contains("[EMAIL]"), v.text());
        }
        assertTrue(a.stream().anyMatch(v -> v.operation().equals("synonym")
                && (v.text().contains("purchase") || v.text().contains("inexpensive"))), a::toString);
        assertNotEquals(a, new EdaAugmenter(thesaurus, 8, 3).variants("r1", text), "the seed matters");
    }

    @Test
    void chineseIsAugmentedCharacterByCharacter() {
        String text = "客户申请车险理赔金额较大";
        List<EdaAugmenter.Variant> v = new EdaAugmenter(thesaurus, 1, 2).variants("z", text);
        assertEquals(2, v.size());
        for (EdaAugmenter.Variant x : v) {
            assertTrue(!x.text().contains(" "), x.text());
            assertTrue(x.text().length() >= text.length() - 2, x.text());
        }
    }
}
