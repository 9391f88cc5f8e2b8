package io.tuneledger.registry;

import jakarta.enterprise.context.ApplicationScoped;
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

    /**
     * Registers the next version of a dataset. {@code create} receives the version number and returns the entity
     * (it also puts the files in place); it runs inside the transaction, so the row is there only if it succeeded.
     */
    @Transactional
    public DatasetVersion register(String name, IntFunction<DatasetVersion> create) {
        Integer max = em.createQuery("select max(d.versionNumber) from DatasetVersion d where d.name = :n", Integer.class)
                .setParameter("n", name).setLockMode(LockModeType.NONE).getSingleResult();
        DatasetVersion v = create.apply(max == null ? 1 : max + 1);
        em.persist(v);
        em.flush();
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

    /** Every version, by name then version. */
    @Transactional
    public List<DatasetVersion> all() {
        return em.createQuery("select d from DatasetVersion d order by d.name, d.versionNumber", DatasetVersion.class)
                .getResultList();
    }
}
