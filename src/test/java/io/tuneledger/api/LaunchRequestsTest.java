package io.tuneledger.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.launch.LaunchException;
import io.tuneledger.launch.ParameterError;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchRequestsTest {

    private static ParameterError refused(String body) {
        LaunchException.InvalidParameters e = assertThrows(LaunchException.InvalidParameters.class,
                () -> LaunchRequests.parameters(body));
        assertEquals(1, e.errors().size(), e.errors().toString());
        return e.errors().get(0);
    }

    @Test
    void readsScalarsAsText() {
        assertEquals(Map.of("a", "x", "b", "3", "c", "true"),
                LaunchRequests.parameters("{\"parameters\": {\"a\": \"x\", \"b\": 3, \"c\": true, \"d\": null}}"));
        assertEquals(Map.of(), LaunchRequests.parameters(""));
        assertEquals(Map.of(), LaunchRequests.parameters("{}"));
    }

    @Test
    void malformedJsonNamesTheBody() {
        ParameterError e = refused("{\"parameters\": {\"a\": ");
        assertEquals("body", e.parameter());
        assertTrue(e.message().startsWith("is not valid JSON"), e.message());
    }

    @Test
    void deepNestingIsRefusedAsTheBody() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertEquals("body", refused("{\"parameters\": {\"a\": " + deep + "}}").parameter());
    }

    @Test
    void aParameterGivenTwiceIsRefused() {
        ParameterError e = refused("{\"parameters\": {\"model.name\": \"a\", \"model.name\": \"b\"}}");
        assertEquals("body", e.parameter());
        assertTrue(e.message().contains("model.name"), e.message());
    }

    @Test
    void unknownFieldsAndNonObjectsAreNamed() {
        assertEquals("params", refused("{\"params\": {}}").parameter());
        assertEquals("body", refused("[1, 2]").parameter());
        assertEquals("parameters", refused("{\"parameters\": [1]}").parameter());
        assertEquals("a", refused("{\"parameters\": {\"a\": {\"b\": 1}}}").parameter());
    }

    @Test
    void oversizedBodiesAndControlCharactersInNames() {
        assertEquals("body", refused("{\"parameters\": {\"a\": \"" + "x".repeat(70_000) + "\"}}").parameter());
        assertEquals("a?b", refused("{\"a\\u0007b\": 1}").parameter());
    }
}
