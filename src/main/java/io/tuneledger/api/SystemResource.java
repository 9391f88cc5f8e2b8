package io.tuneledger.api;

import io.tuneledger.launch.LaunchException;
import io.tuneledger.launch.ParameterError;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.djl.EngineDiagnostics;
import io.tuneledger.ml.djl.EngineReport;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.List;

/** Operator diagnostics. */
@Path("/system")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class SystemResource {

    /**
     * Self-check of the ML stack: engine, tokenizer of a base model, an NDArray computation. Answers 200 with the
     * report, or fails with the engine's error.
     */
    @GET
    @Path("/engine")
    public EngineReport engine(@QueryParam("model") @DefaultValue("all-minilm-l6-v2") String model,
            @QueryParam("sentence") @DefaultValue("Tuneledger fine-tunes language models, offline.") String sentence)
            throws IOException {
        BaseModel base = BaseModel.byId(model).orElseThrow(() -> new LaunchException.InvalidParameters(
                List.of(new ParameterError("model", "must be one of all-minilm-l6-v2, bge-small-zh-v1.5"))));
        return EngineDiagnostics.run(base, sentence);
    }
}
