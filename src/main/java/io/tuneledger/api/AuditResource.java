package io.tuneledger.api;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditEvent;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.AuditVerifier;
import io.tuneledger.audit.LedgerTrust;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.config.LogId;
import io.tuneledger.launch.LaunchException;
import io.tuneledger.launch.ParameterError;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.StringReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/** The audit trail: events (newest first, filtered), verification of the chain, and rotation of its key. */
@Path("/audit")
@RequestScoped
@RolesAllowed({Roles.AUDITOR, Roles.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    @Inject
    AuditLedger ledger;

    @Inject
    AuditVerifier verifier;

    @Inject
    LedgerTrust trust;

    private static final Logger LOG = Logger.getLogger(AuditResource.class.getName());

    /**
     * Events, newest first. {@code subject} is {@code type} or {@code type:id} (for example
     * {@code job-execution:12}, {@code model:spam v3}); {@code from} and {@code to} are ISO-8601 instants.
     */
    @GET
    public Response events(@QueryParam("subject") String subject, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("limit") String limitText) {
        List<ParameterError> errors = new ArrayList<>();
        int limit = QueryNumbers.read("limit", limitText, 100, 1, 10_000, errors);
        for (String[] p : new String[][] {{"from", from}, {"to", to}}) {
            if (p[1] != null) {
                try {
                    Instant.parse(p[1]);
                } catch (DateTimeParseException e) {
                    errors.add(new ParameterError(p[0], "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z,"
                            + " got '" + LaunchRequests.shortened(p[1]) + "'"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new LaunchException.InvalidParameters(errors);
        }
        String type = null;
        String id = null;
        if (subject != null && !subject.isBlank()) {
            int colon = subject.indexOf(':');
            type = colon < 0 ? subject : subject.substring(0, colon);
            id = colon < 0 ? null : subject.substring(colon + 1);
        }
        JsonArrayBuilder events = Json.createArrayBuilder();
        for (AuditEvent e : ledger.find(type, id, from, to, limit)) {
            events.add(json(e));
        }
        return Response.ok(Json.createObjectBuilder().add("events", events).build()).build();
    }

    /** Recomputes the whole chain: valid with the count, or the first broken sequence number and why. */
    @GET
    @Path("/verify")
    public JsonObject verify() {
        AuditVerifier.Result r = verifier.verify();
        JsonObjectBuilder b = Json.createObjectBuilder().add("valid", r.valid()).add("events", r.events());
        if (r.valid()) {
            b.add("lastHash", r.lastHash());
        } else {
            if (r.brokenAt() == null) {
                b.addNull("brokenAt");
            } else {
                b.add("brokenAt", r.brokenAt());
            }
            b.add("reason", r.reason());
        }
        JsonArrayBuilder keys = Json.createArrayBuilder();
        r.keyIds().forEach(keys::add);
        b.add("keys", keys).add("anchorsChecked", r.anchorsChecked()).add("unauthenticatedEvents",
                r.unauthenticated());
        if (r.lastAnchor() != null) {
            b.add("lastAnchor", Json.createObjectBuilder().add("seq", r.lastAnchor().seq())
                    .add("hash", r.lastAnchor().hash()).add("time", r.lastAnchor().time())
                    .add("keyId", r.lastAnchor().keyId()));
        }
        return b.build();
    }

    /**
     * Rotates the ledger key: a new key signs every event from now on (the old ones stay in the key store to verify
     * what they signed); recorded as {@code ledger.key-rotated}. Admin only.
     */
    @POST
    @Path("/keys")
    @RolesAllowed(Roles.ADMIN)
    public JsonObject rotateKey(@Context SecurityContext security) {
        String previous = trust.keys().currentId();
        String next = trust.keys().rotate();
        ledger.append(LaunchRequests.actor(security), AuditAction.LEDGER_KEY_ROTATED, SubjectType.LEDGER, next,
                Json.createObjectBuilder().add("keyId", next).add("previousKeyId", previous).build());
        trust.anchorHead();
        LOG.info(() -> LogId.LEDGER_KEY_ROTATED + " Ledger key " + next + " signs events from now on (was "
                + previous + ")");
        return Json.createObjectBuilder().add("keyId", next).add("previousKeyId", previous).build();
    }

    static JsonObject json(AuditEvent e) {
        JsonObject details;
        try (var r = Json.createReader(new StringReader(e.details()))) {
            details = r.readObject();
        }
        return Json.createObjectBuilder().add("seq", e.seq()).add("time", e.time()).add("actor", e.actor())
                .add("action", e.action()).add("subjectType", e.subjectType()).add("subjectId", e.subjectId())
                .add("details", details).add("prevHash", e.prevHash()).add("hash", e.hash())
                .add("keyId", e.keyId() == null ? JsonValue.NULL : Json.createValue(e.keyId()))
                .add("mac", e.mac() == null ? JsonValue.NULL : Json.createValue(e.mac())).build();
    }
}
