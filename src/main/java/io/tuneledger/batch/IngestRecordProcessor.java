package io.tuneledger.batch;

import io.tuneledger.data.FieldMapping;
import io.tuneledger.data.JsonlRecordParser;
import io.tuneledger.data.RawLine;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.chunk.ItemProcessor;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Turns each raw input line into an accepted record or a quarantined line with its reason. */
@Named
@Dependent
public class IngestRecordProcessor implements ItemProcessor {

    @Inject
    @BatchProperty(name = "id.field")
    String idField;

    @Inject
    @BatchProperty(name = "text.field")
    String textField;

    @Inject
    @BatchProperty(name = "label.field")
    String labelField;

    private JsonlRecordParser parser;

    @Override
    public Object processItem(Object item) throws Exception {
        if (parser == null) {
            parser = new JsonlRecordParser(new FieldMapping(idField, textField, labelField));
        }
        return parser.parse((RawLine) item);
    }
}
