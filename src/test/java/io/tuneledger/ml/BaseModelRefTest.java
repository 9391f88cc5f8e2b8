package io.tuneledger.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.config.VersionRef;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What base.model names, with one precedence: a shipped model, then an absolute directory, then name:version, then a
 * relative directory.
 */
class BaseModelRefTest {

    @Test
    void precedence() {
        assertEquals(new BaseModelRef.Builtin(BaseModel.BGE_SMALL_ZH_V15), BaseModelRef.parse("bge-small-zh-v1.5"));
        assertEquals(new BaseModelRef.Directory(Path.of("/models/bert:v2")), BaseModelRef.parse("/models/bert:v2"),
                "an absolute path is a directory even with a colon in it");
        assertEquals(new BaseModelRef.Registered(new VersionRef.Named("spam", new VersionRef.Latest())),
                BaseModelRef.parse("spam:latest"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BaseModelRef.parse("gpt-17"));
        assertTrue(e.getMessage().contains("all-minilm-l6-v2") && e.getMessage().contains("got 'gpt-17'"),
                e.getMessage());
        assertEquals(new BaseModelRef.Directory(Path.of("models/qwen")), BaseModelRef.parse("models/./qwen"),
                "a relative path is a directory under a data root, which the launcher resolves");
        assertThrows(IllegalArgumentException.class, () -> BaseModelRef.parse("qwen"));
    }
}
