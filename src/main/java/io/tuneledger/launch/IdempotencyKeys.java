package io.tuneledger.launch;

import io.tuneledger.audit.Hashes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The launches made with an {@code Idempotency-Key}, each key in its own short transaction: claimed before the
 * start (the key's primary key makes a second claim fail, across servers too), completed with the execution id, or
 * released when the start failed. A claim left unfinished by a launch that died is taken over once it is older than
 * {@link #CLAIM_TIMEOUT} (system property {@code tuneledger.idempotency.claim.timeout.seconds} [120]; a launch takes
 * well under a second).
 */
@ApplicationScoped
public class IdempotencyKeys {

    /** How long an unfinished claim is respected before it is taken over. */
    public static final java.time.Duration CLAIM_TIMEOUT = java.time.Duration.ofSeconds(
            Long.getLong("tuneledger.idempotency.claim.timeout.seconds", 120));

    @PersistenceContext(unitName = "tuneledger")
    EntityManager em;

    /** What a key stands for: job and the SHA-256 of its sorted parameters. */
    record Request(String jobName, String parametersSha256) {
        static Request of(String jobName, Map<String, String> parameters) {
            StringBuilder canonical = new StringBuilder();
            new TreeMap<>(parameters).forEach((k, v) -> canonical.append(k).append('=').append(v).append('\n'));
            return new Request(jobName, Hashes.sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** The launch recorded for {@code key}, if any. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<LaunchRequest> find(String key) {
        return Optional.ofNullable(em.find(LaunchRequest.class, key));
    }

    /** Claims {@code key}; fails (with a persistence exception at commit) when it is claimed already. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void claim(String key, Request request, String actor) {
        em.persist(new LaunchRequest(key, request.jobName(), request.parametersSha256(), actor, Instant.now()));
        em.flush();
    }

    /**
     * Takes over a claim that a launch left unfinished (the server died between claiming and completing it): true when
     * this caller got it (the claim still had no execution and the creation time {@code seen}; another server taking
     * it over at the same moment makes this one false). The claim counts from now on.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean takeOver(String key, Instant seen, String actor) {
        return em.createQuery("update LaunchRequest r set r.createdAt = :now, r.actor = :actor where r.key = :key"
                + " and r.executionId is null and r.createdAt = :seen")
                .setParameter("now", Instant.now()).setParameter("actor", actor).setParameter("key", key)
                .setParameter("seen", seen).executeUpdate() == 1;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void complete(String key, long executionId) {
        em.find(LaunchRequest.class, key).started(executionId);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void release(String key) {
        LaunchRequest r = em.find(LaunchRequest.class, key);
        if (r != null && r.executionId() == null) {
            em.remove(r);
        }
    }
}
