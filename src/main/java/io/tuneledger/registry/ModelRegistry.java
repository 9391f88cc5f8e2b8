package io.tuneledger.registry;

import io.tuneledger.audit.AuditLedger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
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
     * Registers the next version of a model. {@code create} receives the version number and returns the entity (it
     * also moves the artifact into place); it runs inside the transaction, so the row exists only if it succeeded.
     */
    @Transactional
    public ModelVersion register(String name, IntFunction<ModelVersion> create) {
        Integer max = em.createQuery("select max(m.versionNumber) from ModelVersion m where m.name = :n", Integer.class)
                .setParameter("n", name).getSingleResult();
        ModelVersion v = create.apply(max == null ? 1 : max + 1);
        em.persist(v);
        em.flush();
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
        ledger.append(actor, "model.promoted", "model", v.name() + " v" + v.version(), Json.createObjectBuilder()
                .add("weightsSha256", v.weightsSha256()).add("testMacroF1", v.testMacroF1())
                .add("previouslyPromoted", demoted).build());
        return v;
    }

    /** Every version, by name then version. */
    @Transactional
    public List<ModelVersion> all() {
        return em.createQuery("select m from ModelVersion m order by m.name, m.versionNumber", ModelVersion.class)
                .getResultList();
    }
}
