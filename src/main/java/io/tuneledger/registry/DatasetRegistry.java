package io.tuneledger.registry;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.config.VersionRef;
import io.tuneledger.data.DatasetManifest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/** Dataset versions in the database: numbering, registration and queries. */
@ApplicationScoped
public class DatasetRegistry {

    @PersistenceContext(unitName = "tuneledger")
    EntityManager em;

    @Inject
    AuditLedger ledger;

    /**
     * Registers the next version of a dataset, with its {@code dataset.created} ledger event. {@code create} receives
     * the version number and returns the entity (it also puts the files in place); it runs inside the transaction, so
     * the row and the event are there only if it succeeded.
     */
    @Transactional
    public DatasetVersion register(String name, IntFunction<DatasetVersion> create) {
        Integer max = em.createQuery("select max(d.versionNumber) from DatasetVersion d where d.name = :n", Integer.class)
                .setParameter("n", name).setLockMode(LockModeType.NONE).getSingleResult();
        DatasetVersion v = create.apply(max == null ? 1 : max + 1);
        em.persist(v);
        em.flush();
        DatasetManifest m = DatasetManifest.parse(v.manifest());
        JsonObject statistics = m.statistics().toJson();
        ledger.append(AuditLedger.SYSTEM, AuditAction.DATASET_CREATED, SubjectType.DATASET, v.ref(),
                Json.createObjectBuilder().add("contentSha256", v.contentSha256()).add("source", m.source().toJson())
                        .add("counts", statistics.getJsonObject("counts"))
                        .add("quarantine", statistics.getJsonObject("quarantine"))
                        .add("jobExecutionId", v.jobExecutionId()).build());
        return v;
    }

    @Transactional
    public Optional<DatasetVersion> byJobInstance(long jobInstanceId) {
        return em.createQuery("select d from DatasetVersion d where d.jobInstanceId = :i", DatasetVersion.class)
                .setParameter("i", jobInstanceId).getResultStream().findFirst();
    }

    @Transactional
    public Optional<DatasetVersion> find(String name, int version) {
        return em.createQuery("select d from DatasetVersion d where d.name = :n and d.versionNumber = :v",
                DatasetVersion.class).setParameter("n", name).setParameter("v", version).getResultStream().findFirst();
    }

    @Transactional
    public Optional<DatasetVersion> latest(String name) {
        return em.createQuery("select d from DatasetVersion d where d.name = :n order by d.versionNumber desc",
                DatasetVersion.class).setParameter("n", name).setMaxResults(1).getResultStream().findFirst();
    }

    /** The version a reference names: a number, or the newest. */
    public Optional<DatasetVersion> resolve(String name, VersionRef version) {
        return version instanceof VersionRef.Number n ? find(name, n.value()) : latest(name);
    }

    /** Every version, by name then version. */
    @Transactional
    public List<DatasetVersion> all() {
        return em.createQuery("select d from DatasetVersion d order by d.name, d.versionNumber", DatasetVersion.class)
                .getResultList();
    }
}
