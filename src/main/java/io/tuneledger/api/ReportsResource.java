package io.tuneledger.api;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.audit.Hashes;
import io.tuneledger.audit.report.ComplianceReports;
import io.tuneledger.audit.report.HtmlReportRenderer;
import io.tuneledger.audit.report.PdfReportRenderer;
import io.tuneledger.audit.report.Report;
import io.tuneledger.launch.LaunchException;
import io.tuneledger.registry.ModelRegistry;
import io.tuneledger.registry.ModelVersion;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Compliance reports, HTML or PDF: by {@code ?format=html|pdf}, else by the Accept header (PDF when it asks for
 * {@code application/pdf}, HTML otherwise). Every download is an event in the audit ledger with the SHA-256 of the
 * bytes served, so that a report in hand can be matched to its issue.
 */
@Path("/reports")
@RequestScoped
@RolesAllowed({Roles.AUDITOR, Roles.ADMIN})
public class ReportsResource {

    static final String PDF = "application/pdf";

    @Inject
    ComplianceReports reports;

    @Inject
    ModelRegistry models;

    @Inject
    AuditLedger ledger;

    @Context
    HttpHeaders headers;

    @Context
    SecurityContext security;

    @GET
    @Path("/executions/{id}")
    public Response execution(@PathParam("id") long id, @QueryParam("format") String format) {
        Optional<String> bad = badFormat(format);
        if (bad.isPresent()) {
            return badRequest(bad.get());
        }
        Optional<Report> report = reports.forExecution(id, LaunchRequests.actor(security));
        if (report.isEmpty()) {
            return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                    .entity(ErrorBody.of(null, new LaunchException.NoSuchExecution(id).getMessage())).build();
        }
        return serve(report.get(), format, SubjectType.JOB_EXECUTION, Long.toString(id),
                "tuneledger-execution-" + id);
    }

    @GET
    @Path("/models/{name}/versions/{version}")
    public Response model(@PathParam("name") String name, @PathParam("version") String version,
            @QueryParam("format") String format) {
        Optional<String> bad = badFormat(format);
        if (bad.isPresent()) {
            return badRequest(bad.get());
        }
        Optional<ModelVersion> found = ModelsResource.find(models, name, version);
        if (found.isEmpty()) {
            return ModelsResource.notFound(name, version);
        }
        ModelVersion v = found.get();
        Report report = reports.forModel(v, LaunchRequests.actor(security));
        return serve(report, format, SubjectType.MODEL, v.ref(),
                "tuneledger-model-" + v.name() + "-v" + v.version());
    }

    private Response serve(Report report, String format, SubjectType subjectType, String subjectId,
            String fileName) {
        boolean pdf = format != null ? format.equals("pdf")
                : headers.getAcceptableMediaTypes().stream().anyMatch(m -> m.isCompatible(MediaType.valueOf(PDF))
                        && !m.isWildcardType());
        byte[] body = pdf ? PdfReportRenderer.render(report)
                : HtmlReportRenderer.render(report).getBytes(StandardCharsets.UTF_8);
        String sha = Hashes.sha256(body);
        ledger.append(LaunchRequests.actor(security), AuditAction.REPORT_DOWNLOADED, subjectType, subjectId,
                Json.createObjectBuilder().add("format", pdf ? "pdf" : "html").add("bytes", body.length)
                        .add("sha256", sha).build());
        return Response.ok(body, pdf ? PDF : MediaType.TEXT_HTML + ";charset=UTF-8")
                .header("Content-Disposition", (pdf ? "attachment" : "inline") + "; filename=\"" + fileName
                        + (pdf ? ".pdf" : ".html") + "\"")
                .header("X-Report-SHA256", sha).build();
    }

    private static Optional<String> badFormat(String format) {
        return format == null || format.equals("html") || format.equals("pdf") ? Optional.empty()
                : Optional.of("must be html or pdf, got '" + format + "'");
    }

    private static Response badRequest(String message) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                .entity(ErrorBody.of("format", message)).build();
    }
}
