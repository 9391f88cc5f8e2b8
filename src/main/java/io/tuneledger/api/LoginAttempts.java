package io.tuneledger.api;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.config.LogId;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's {@link LoginThrottle}, and the ledger events of failed sign-ins: the first failure of a burst at once
 * ({@code auth.failed}, as the filter reports it), the whole burst with its counts when it ends
 * ({@code auth.failed-burst}, checked every few seconds and at shutdown). The burst gap is the system property
 * {@code tuneledger.login.burst.gap.seconds} [60].
 */
@ApplicationScoped
public class LoginAttempts {

    private static final Logger LOG = Logger.getLogger(LoginAttempts.class.getName());

    static final long BURST_GAP_MILLIS = 1000L * Long.getLong("tuneledger.login.burst.gap.seconds", 60);

    private final LoginThrottle throttle = new LoginThrottle(BURST_GAP_MILLIS);

    @Inject
    AuditLedger ledger;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> flushing;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        long period = Math.max(1_000, Math.min(BURST_GAP_MILLIS / 4, 15_000));
        flushing = scheduler.scheduleWithFixedDelay(this::recordEndedBursts, period, period, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (flushing != null) {
            flushing.cancel(false);
        }
        record(throttle.closeAll());
    }

    LoginThrottle.Decision check(String address) {
        return throttle.check(address, System.currentTimeMillis());
    }

    /** Counts a failure; true when it is the first of its burst (to be recorded at once). */
    boolean failed(String address, String user) {
        long now = System.currentTimeMillis();
        boolean opens = throttle.failed(address, user, now);
        if (throttle.waitMillis(address, now) == LoginThrottle.FIRST_DELAY_MILLIS) {
            LOG.warning(() -> LogId.AUTH_THROTTLED + " Sign-ins from " + address + " failed "
                    + (LoginThrottle.FREE_FAILURES + 1) + " times in a row; each further failure doubles its wait");
        }
        return opens;
    }

    void succeeded(String address) {
        throttle.succeeded(address);
    }

    void recordEndedBursts() {
        try {
            record(throttle.endedBursts(System.currentTimeMillis()));
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, LogId.AUTH_FAILURE_NOT_RECORDED + " Bursts of failed sign-ins could not be"
                    + " recorded in the audit ledger", e);
        }
    }

    private void record(List<LoginThrottle.Burst> bursts) {
        for (LoginThrottle.Burst b : bursts) {
            if (b.failed() + b.refused() <= 1) {
                continue; // a single failure: its auth.failed event says it all
            }
            JsonArrayBuilder users = Json.createArrayBuilder();
            b.users().forEach(users::add);
            ledger.append("unauthenticated", AuditAction.AUTH_FAILED_BURST, SubjectType.CLIENT, b.address(),
                    Json.createObjectBuilder()
                    .add("remoteAddress", b.address())
                    .add("attempts", b.failed() + b.refused())
                    .add("failed", b.failed())
                    .add("refused", b.refused())
                    .add("users", users)
                    .add("first", AuditLedger.timeText(Instant.ofEpochMilli(b.firstMillis())))
                    .add("last", AuditLedger.timeText(Instant.ofEpochMilli(b.lastMillis())))
                    .add("longestWaitSeconds", b.longestDelayMillis() / 1000)
                    .build());
            LOG.warning(() -> LogId.AUTH_BURST_RECORDED + " " + (b.failed() + b.refused()) + " failed sign-ins from "
                    + b.address() + " (" + b.refused() + " refused unchecked) between "
                    + Instant.ofEpochMilli(b.firstMillis()) + " and " + Instant.ofEpochMilli(b.lastMillis()));
        }
    }
}
