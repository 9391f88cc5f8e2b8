package io.tuneledger.registry;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.config.VersionRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/** Model versions in the database: numbering, registration and queries. */
@ApplicationScoped
public class ModelRegistry {

    @PersistenceContext(unitName = "tuneledger")
    EntityManager em;

    @Inject
    AuditLedger ledger;

    /**
     * Registers the next version of a model, with its {@code model.registered} (or {@code model.rejected}) ledger
     * event. {@code create} receives the version number and returns the entity (it also moves the artifact into
     * place); it runs inside the transaction, so the row and the event exist only if it succeeded.
     */
    @Transactional
    public ModelVersion register(String name, IntFunction<ModelVersion> create) {
        Integer max = em.createQuery("select max(m.versionNumber) from ModelVersion m where m.name = :n", Integer.class)
                .setParameter("n", name).getSingleResult();
        ModelVersion v = create.apply(max == null ? 1 : max + 1);
        em.persist(v);
        em.flush();
        JsonObject gate;
        try (JsonReader r = Json.createReader(new StringReader(v.details()))) {
            gate = r.readObject().getJsonObject("gate");
        }
        ledger.append(AuditLedger.SYSTEM, v.status() == ModelVersion.Status.REJECTED ? AuditAction.MODEL_REJECTED
                : AuditAction.MODEL_REGISTERED, SubjectType.MODEL, v.ref(), Json.createObjectBuilder()
                        .add("weightsSha256", v.weightsSha256()).add("baseModel", v.baseModel())
                        .add("baseModelSha256", v.baseModelSha256())
                        .add("dataset", SubjectType.version(v.datasetName(), v.datasetVersion()))
                        .add("datasetSha256", v.datasetSha256()).add("testMacroF1", v.testMacroF1())
                        .add("gate", gate).add("jobExecutionId", v.jobExecutionId()).build());
        return v;
    }

    @Transactional
    public Optional<ModelVersion> byJobInstance(long jobInstanceId) {
        return em.createQuery("select m from ModelVersion m where m.jobInstanceId = :i", ModelVersion.class)
                .setParameter("i", jobInstanceId).getResultStream().findFirst();
    }

    @Transactional
    public Optional<ModelVersion> find(String name, int version) {
        return em.createQuery("select m from ModelVersion m where m.name = :n and m.versionNumber = :v",
                ModelVersion.class).setParameter("n", name).setParameter("v", version).getResultStream().findFirst();
    }

    /** The newest version of a model that was not rejected. */
    @Transactional
    public Optional<ModelVersion> latestUsable(String name) {
        return em.createQuery("select m from ModelVersion m where m.name = :n and m.status <> :r"
                + " order by m.versionNumber desc", ModelVersion.class).setParameter("n", name)
                .setParameter("r", ModelVersion.Status.REJECTED).setMaxResults(1).getResultStream().findFirst();
    }

    /**
     * Promotes a candidate version: it becomes the model's promoted version and the one promoted before (if any)
     * goes back to candidate, in one transaction with the {@code model.promoted} ledger event. A rejected version
     * cannot be promoted; promoting the promoted version again changes nothing and records nothing.
     */
    @Transactional
    public ModelVersion promote(String actor, ModelVersion version) {
        ModelVersion v = em.find(ModelVersion.class, version.id(), LockModeType.PESSIMISTIC_WRITE);
        if (v.status() == ModelVersion.Status.PROMOTED) {
            return v;
        }
        if (v.status() == ModelVersion.Status.REJECTED) {
            throw new IllegalStateException(v.name() + " v" + v.version() + " was rejected by its quality gate and"
                    + " cannot be promoted");
        }
        List<ModelVersion> before = em.createQuery("select m from ModelVersion m where m.name = :n and m.status = :p",
                ModelVersion.class).setParameter("n", v.name()).setParameter("p", ModelVersion.Status.PROMOTED)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
        JsonArrayBuilder demoted = Json.createArrayBuilder();
        for (ModelVersion old : before) {
            old.moveTo(ModelVersion.Status.CANDIDATE);
            demoted.add(old.version());
        }
        v.moveTo(ModelVersion.Status.PROMOTED);
        em.flush();
        ledger.append(actor, AuditAction.MODEL_PROMOTED, SubjectType.MODEL, v.ref(), Json.createObjectBuilder()
                .add("weightsSha256", v.weightsSha256()).add("testMacroF1", v.testMacroF1())
                .add("previouslyPromoted", demoted).build());
        return v;
    }

    /** The version a reference names: a number, or the newest that was not rejected. */
    public Optional<ModelVersion> resolve(String name, VersionRef version) {
        return version instanceof VersionRef.Number n ? find(name, n.value()) : latestUsable(name);
    }

    /** Every version, by name then version. */
    @Transactional
    public List<ModelVersion> all() {
        return em.createQuery("select m from ModelVersion m order by m.name, m.versionNumber", ModelVersion.class)
                .getResultList();
    }
}
