package io.tuneledger.api;

import io.tuneledger.audit.report.HtmlReportRenderer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The headers every response carries, for browsers: the console and the HTML reports may run no inline script, load
 * nothing from another site and be framed by no page ({@code frame-ancestors 'none'}); responses are not sniffed
 * for another content type, send no referrer, and the browser keeps to HTTPS. API answers are not cached.
 */
final class SecurityHeaders {

    /**
     * Scripts and style sheets from this server only; the one inline style sheet of the HTML reports is allowed by its
     * hash; images from this server or data: URLs (the charts); no plugins, no {@code <base>}, forms post here only.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' "
            + HtmlReportRenderer.styleHash() + "; img-src 'self' data:; object-src 'none'; base-uri 'none';"
            + " form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    static void apply(HttpServletRequest request, HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        if (request.isSecure()) {
            response.setHeader("Strict-Transport-Security", "max-age=31536000");
        }
        if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
            response.setHeader("Cache-Control", "no-store");
        }
    }
}
