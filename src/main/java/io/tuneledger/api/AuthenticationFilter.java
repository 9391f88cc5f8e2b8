package io.tuneledger.api;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.config.LogId;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every request must arrive over HTTPS and carry HTTP Basic credentials, checked by the container's security domain
 * ({@link HttpServletRequest#login}); without them, or with wrong ones, the answer is 401 with a Basic challenge.
 * Failed sign-ins are throttled per client address ({@link LoginThrottle}): an address that failed too often gets 429
 * with {@code Retry-After} and its credentials are not even checked. The first failure of a burst is an
 * {@code auth.failed} event in the audit ledger (the user name tried, never the password), the burst's count follows
 * when it ends ({@link LoginAttempts}). Every response carries the browser-facing {@link SecurityHeaders}. Which roles
 * may call what is declared on the REST methods ({@link Roles}).
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class AuthenticationFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(AuthenticationFilter.class.getName());

    static final String REALM = "Tuneledger";

    /** The largest request body accepted, in bytes: requests carry a few parameters, never data. */
    static final long MAX_BODY_BYTES = 1024 * 1024;

    @Inject
    AuditLedger ledger;

    @Inject
    LoginAttempts attempts;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        SecurityHeaders.apply(request, response);
        if (!request.isSecure()) {
            // The container redirects plain HTTP to HTTPS (web.xml); should a listener not, nothing is answered here.
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            writeError(response, null, "HTTPS required: this server answers only over TLS");
            return;
        }
        if (crossSite(request)) {
            // A browser keeps Basic credentials: a page of another site must not make it change anything here.
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            writeError(response, null, "cross-site request refused: " + request.getMethod() + " from "
                    + LaunchRequests.shortened(String.valueOf(request.getHeader("Origin"))));
            return;
        }
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            writeError(response, "body", "is " + request.getContentLengthLong() + " bytes; at most " + MAX_BODY_BYTES
                    + " are accepted");
            return;
        }
        String address = request.getRemoteAddr();
        LoginThrottle.Decision decision = attempts.check(address);
        if (!decision.allowed()) {
            response.setStatus(429);
            response.setHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
            writeError(response, null, "too many failed sign-ins from " + address + ": try again in "
                    + decision.retryAfterSeconds() + " s");
            return;
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            challenge(response, "authentication required: HTTP Basic with a Tuneledger user");
            return;
        }
        String user;
        String password;
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("no user:password pair");
            }
            user = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            recordFailure(request, null, "malformed Basic credentials");
            challenge(response, "malformed Basic credentials");
            return;
        }
        if (request.getUserPrincipal() == null || !request.getUserPrincipal().getName().equals(user)) {
            try {
                request.login(user, password);
            } catch (ServletException e) {
                recordFailure(request, user, "wrong user name or password");
                challenge(response, "wrong user name or password");
                return;
            }
        }
        attempts.succeeded(address);
        chain.doFilter(request, response);
    }

    private void recordFailure(HttpServletRequest request, String user, String reason) {
        String tried = user == null ? "" : LaunchRequests.shortened(user);
        if (!attempts.failed(request.getRemoteAddr(), user == null ? null : tried)) {
            return; // counted in its burst, recorded when the burst ends
        }
        try {
            ledger.append("unauthenticated", AuditAction.AUTH_FAILED, SubjectType.USER, tried,
                    Json.createObjectBuilder()
                    .add("reason", reason)
                    .add("method", request.getMethod())
                    .add("path", LaunchRequests.shortened(request.getRequestURI()))
                    .add("remoteAddress", request.getRemoteAddr())
                    .build());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, LogId.AUTH_FAILURE_NOT_RECORDED
                    + " A failed authentication could not be recorded in the audit ledger", e);
        }
        LOG.warning(() -> LogId.AUTH_FAILURE_RECORDED + " Authentication failed for user '" + tried + "' from "
                + request.getRemoteAddr() + " (" + reason + ")");
    }

    /**
     * A request that would change something (not GET, HEAD or OPTIONS) sent by a browser on behalf of another site:
     * its {@code Sec-Fetch-Site} says cross-site, or its {@code Origin} is not this server. Schedulers and the CLI
     * send neither header.
     */
    static boolean crossSite(HttpServletRequest request) {
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return false;
        }
        if ("cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))) {
            return true;
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            String host = request.getHeader("Host");
            return host == null || uri.getHost() == null
                    || !(uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())).equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    private static void challenge(HttpServletResponse response, String message) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        writeError(response, null, message);
    }

    private static void writeError(HttpServletResponse response, String parameter, String message)
            throws IOException {
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        var error = Json.createObjectBuilder();
        if (parameter == null) {
            error.addNull("parameter");
        } else {
            error.add("parameter", parameter);
        }
        response.getWriter().write(Json.createObjectBuilder().add("errors", Json.createArrayBuilder()
                .add(error.add("message", message))).build().toString());
    }
}
