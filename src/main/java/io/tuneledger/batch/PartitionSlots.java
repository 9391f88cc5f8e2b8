package io.tuneledger.batch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many partitions of one job execution train at once on this server ({@code folds.parallel},
 * {@code trials.parallel}). Every partition of a study is handed to the batch runtime at the start, so that the job
 * repository records them all and a restart after a crash finds each one (JBeret records a partition only when it
 * hands it to a thread, and after a crash restarts only the partitions it recorded); a partition then waits here for
 * a slot before it loads its model. This is a per-server limit on the use of the cores, not state the partitions
 * share: on another server a partition waits for that server's slots.
 */
final class PartitionSlots {

    private static final Map<Long, Slots> SLOTS = new ConcurrentHashMap<>();

    private PartitionSlots() {
    }

    /** The slots of one execution: how many are taken, and which partitions wait (granted lowest index first). */
    private static final class Slots {
        private final int size;
        private int taken;
        private final java.util.TreeSet<Integer> waiting = new java.util.TreeSet<>();

        Slots(int size) {
            this.size = Math.max(1, size);
        }

        synchronized void acquire(int index) throws InterruptedException {
            waiting.add(index);
            try {
                while (taken >= size || waiting.first() != index) {
                    wait();
                }
            } finally {
                waiting.remove(index);
                notifyAll();
            }
            taken++;
        }

        synchronized void release() {
            taken--;
            notifyAll();
        }
    }

    /**
     * Waits for one of {@code slots} slots of {@code executionId}, granted to the lowest waiting {@code index} first
     * (a partition that reaches the queue while a slot is free takes it); the caller must {@link #release} it.
     */
    static void acquire(long executionId, int slots, int index) throws InterruptedException {
        SLOTS.computeIfAbsent(executionId, id -> new Slots(slots)).acquire(index);
    }

    static void release(long executionId) {
        Slots s = SLOTS.get(executionId);
        if (s != null) {
            s.release();
        }
    }
}
