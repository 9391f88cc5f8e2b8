package io.tuneledger.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {

    @Test
    void aGridTakesEveryCombination() {
        SearchSpace space = SearchSpace.parse("{\"train.learning.rate\": [1e-5, 1e-4], \"train.epochs\": [1, 2, 3]}");
        assertTrue(space.isGrid());
        assertEquals(6, space.gridSize());
        List<Map<String, String>> grid = space.grid();
        assertEquals(6, grid.size());
        assertEquals(Map.of("train.learning.rate", "0.00001", "train.epochs", "1"), grid.get(0));
        assertEquals(Map.of("train.learning.rate", "0.0001", "train.epochs", "3"), grid.get(5));
    }

    @Test
    void aRandomSearchIsSeededAndStaysInItsRanges() {
        SearchSpace space = SearchSpace.parse("{\"train.learning.rate\": {\"min\": 1e-5, \"max\": 1e-3, \"scale\":"
                + " \"log\"}, \"train.batch.size\": {\"min\": 8, \"max\": 32}, \"train.dropout\": [0.0, 0.2]}");
        assertTrue(!space.isGrid());
        List<Map<String, String>> trials = space.sample(20, 42);
        assertEquals(trials, space.sample(20, 42), "the same seed, the same trials");
        assertNotEquals(trials, space.sample(20, 43));
        for (Map<String, String> t : trials) {
            double lr = Double.parseDouble(t.get("train.learning.rate"));
            assertTrue(lr >= 1e-5 && lr <= 1e-3, t.toString());
            int batch = Integer.parseInt(t.get("train.batch.size"));
            assertTrue(batch >= 8 && batch <= 32, t.toString());
            assertTrue(List.of("0.0", "0.2").contains(t.get("train.dropout")), t.toString());
        }
        long small = trials.stream().filter(t -> Double.parseDouble(t.get("train.learning.rate")) < 1e-4).count();
        assertTrue(small >= 4 && small <= 16, "a log scale draws each decade about as often: " + small + " of 20");
    }

    @Test
    void badSpacesAreRefusedSayingWhy() {
        assertTrue(message("not json").contains("JSON object"));
        assertTrue(message("{\"model.name\": [1]}").contains("cannot vary model.name"));
        assertTrue(message("{\"train.dropout\": [0.95]}").contains("train.dropout"));
        assertTrue(message("{\"train.epochs\": []}").contains("1 to 64 values"));
        assertTrue(message("{\"train.learning.rate\": {\"min\": 1e-3, \"max\": 1e-5}}").contains("min is above max"));
        assertTrue(message("{\"train.dropout\": {\"min\": 0, \"max\": 0.3, \"scale\": \"log\"}}")
                .contains("positive"));
        assertTrue(message("{}").contains("names no parameter"));
    }

    @Test
    void theDefaultSpaceParses() {
        SearchSpace space = SearchSpace.parse(SearchSpace.DEFAULT);
        assertEquals(6, space.parameterNames().size());
        assertEquals(8, space.sample(8, 42).size());
    }

    private static String message(String json) {
        return assertThrows(IllegalArgumentException.class, () -> SearchSpace.parse(json)).getMessage();
    }
}
