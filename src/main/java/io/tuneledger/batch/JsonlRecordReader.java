package io.tuneledger.batch;

import io.tuneledger.data.DataStore;
import io.tuneledger.data.LineSource;
import io.tuneledger.data.RawLine;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Path;

/**
 * Reads a JSONL file line by line (blank lines skipped). Checkpoint: lines consumed and the byte offset, so a
 * restart seeks straight to the first uncommitted line.
 */
@Named
@Dependent
public class JsonlRecordReader extends CheckpointedItemReader<RawLine, LinePosition> {

    @Inject
    @BatchProperty(name = "input.path")
    String inputPath;

    @Inject
    DataStore store;

    private LineSource source;

    public JsonlRecordReader() {
        super(LinePosition.class);
    }

    @Override
    protected void openAt(LinePosition position) throws Exception {
        Path file = store.resolveInput(inputPath);
        source = position == null
                ? LineSource.open(file)
                : LineSource.openAt(file, position.byteOffset(), position.lines(), LineSource.DEFAULT_MAX_LINE_BYTES);
    }

    @Override
    protected RawLine readNext() throws Exception {
        RawLine line;
        do {
            line = source.next();
        } while (line != null && isBlank(line));
        return line;
    }

    @Override
    protected LinePosition position() {
        return new LinePosition(source.lineNumber(), source.offset());
    }

    @Override
    protected StepProgress.Progress progress() {
        return new StepProgress.Progress(source.offset(), source.size(), 0);
    }

    @Override
    public void close() throws Exception {
        if (source != null) {
            source.close();
        }
    }

    private static boolean isBlank(RawLine line) {
        for (byte b : line.bytes()) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return !line.truncated();
    }
}
