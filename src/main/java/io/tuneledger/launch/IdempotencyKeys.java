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
 * released when the start failed.
 */
@ApplicationScoped
public class IdempotencyKeys {

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
