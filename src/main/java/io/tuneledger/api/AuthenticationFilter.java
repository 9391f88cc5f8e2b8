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
 * Every request must carry HTTP Basic credentials, checked by the container's security domain
 * ({@link HttpServletRequest#login}); without them, or with wrong ones, the answer is 401 with a Basic challenge. A
 * failed attempt is an {@code auth.failed} event in the audit ledger (the user name tried, never the password).
 * Which roles may call what is declared on the REST methods ({@link Roles}).
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class AuthenticationFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(AuthenticationFilter.class.getName());

    static final String REALM = "Tuneledger";

    /** The subject type of authentication events: the user name that was tried. */

    @Inject
    AuditLedger ledger;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (crossSite(request)) {
            // A browser keeps Basic credentials: a page of another site must not make it change anything here.
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            writeError(response, "cross-site request refused: " + request.getMethod() + " from "
                    + request.getHeader("Origin"));
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
        chain.doFilter(request, response);
    }

    private void recordFailure(HttpServletRequest request, String user, String reason) {
        String tried = user == null ? "" : user.length() > 200 ? user.substring(0, 200) : user;
        try {
            ledger.append("unauthenticated", AuditAction.AUTH_FAILED, SubjectType.USER, tried,
                    Json.createObjectBuilder()
                    .add("reason", reason)
                    .add("method", request.getMethod())
                    .add("path", request.getRequestURI())
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
        writeError(response, message);
    }

    private static void writeError(HttpServletResponse response, String message) throws IOException {
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Json.createObjectBuilder().add("errors", Json.createArrayBuilder()
                .add(Json.createObjectBuilder().addNull("parameter").add("message", message))).build().toString());
    }
}
