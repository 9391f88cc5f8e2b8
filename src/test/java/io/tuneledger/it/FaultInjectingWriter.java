package io.tuneledger.it;

import io.tuneledger.batch.StagingRecordWriter;
import io.tuneledger.data.IngestOutcome;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;

/**
 * Test-only writer: writes the chunk like the real one, then fails when the chunk holds input line
 * {@code fail.at.item}. The chunk's records are then on disk but not committed: exactly the state a crash leaves.
 */
@Named
@Dependent
public class FaultInjectingWriter extends StagingRecordWriter {

    @Inject
    @BatchProperty(name = "fail.at.item")
    String failAtItem;

    @Override
    protected void write(List<Object> items) throws Exception {
        super.write(items);
        long failAt = failAtItem == null || failAtItem.isBlank() ? 0 : Long.parseLong(failAtItem);
        for (Object item : items) {
            if (((IngestOutcome) item).lineNumber() == failAt) {
                throw new IllegalStateException("Failure injected by the test after writing line " + failAt);
            }
        }
    }
}
