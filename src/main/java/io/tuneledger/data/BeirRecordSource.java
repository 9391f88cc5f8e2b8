package io.tuneledger.data;

import io.tuneledger.ml.TextDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A BEIR directory ({@link BeirDirectory}) as a record source: first the lines that could not be used, then the
 * pairs in judgement order, then every document of the corpus (so that the dataset can search all of them). The
 * directory is read whole when opened; a record's line number is its number in that order (a quarantined line's
 * detail names its file and line), and the position is the number of records read, so a restart skips them.
 */
public final class BeirRecordSource implements RecordSource {

    private final List<IngestOutcome> outcomes;
    private int next;

    private BeirRecordSource(List<IngestOutcome> outcomes, int next) {
        this.outcomes = outcomes;
        this.next = next;
    }

    public static BeirRecordSource open(Path dir, SourcePosition at) throws IOException {
        BeirDirectory.Content content = BeirDirectory.read(dir);
        List<IngestOutcome> outcomes = new ArrayList<>();
        for (IngestOutcome.Quarantined q : content.quarantined()) {
            outcomes.add(new IngestOutcome.Quarantined(outcomes.size() + 1, q.id(), q.reason(), q.detail(),
                    q.excerpt()));
        }
        for (PairRecord p : content.pairs()) {
            outcomes.add(new IngestOutcome.AcceptedPair(new PairRecord(p.pair(), outcomes.size() + 1)));
        }
        for (Map.Entry<String, String> d : content.documents().entrySet()) {
            outcomes.add(new IngestOutcome.AcceptedDocument(new TextDocument(d.getKey(), d.getValue()),
                    outcomes.size() + 1));
        }
        long skip = at == null ? 0 : at.records();
        if (skip > outcomes.size()) {
            throw new IOException(dir + " holds fewer records (" + outcomes.size() + ") than the checkpoint has read ("
                    + skip + "): it changed since the job started");
        }
        return new BeirRecordSource(outcomes, (int) skip);
    }

    @Override
    public IngestOutcome next() {
        return next < outcomes.size() ? outcomes.get(next++) : null;
    }

    @Override
    public SourcePosition position() {
        return new SourcePosition(next, 0, next, null);
    }

    @Override
    public long[] progress() {
        return new long[] {next, outcomes.size()};
    }

    @Override
    public void close() {
    }
}
