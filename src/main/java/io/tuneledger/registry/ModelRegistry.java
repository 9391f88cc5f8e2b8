package io.tuneledger.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
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

    /** Every version, by name then version. */
    @Transactional
    public List<ModelVersion> all() {
        return em.createQuery("select m from ModelVersion m order by m.name, m.versionNumber", ModelVersion.class)
                .getResultList();
    }
}
