package io.tuneledger.batch;

import io.tuneledger.config.LogId;
import jakarta.batch.runtime.BatchStatus;
import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jberet.creation.ArtifactFactoryWrapper;
import org.jberet.job.model.Chunk;
import org.jberet.job.model.Step;
import org.jberet.operations.AbstractJobOperator;
import org.jberet.runtime.AbstractStepExecution;
import org.jberet.runtime.JobExecutionImpl;
import org.jberet.runtime.JobStopNotificationListener;
import org.jberet.runtime.PartitionExecutionImpl;
import org.jberet.runtime.context.AbstractContext;
import org.jberet.runtime.context.JobContextImpl;
import org.jberet.runtime.context.StepContextImpl;
import org.jberet.runtime.runner.AbstractRunner;
import org.jberet.runtime.runner.BatchletRunner;
import org.jberet.runtime.runner.ChunkRunner;
import org.jberet.spi.BatchEnvironment;
import org.jberet.spi.PartitionHandler;
import org.jberet.spi.PartitionInfo;
import org.jberet.spi.PartitionWorker;

/**
 * Partitions over the broker (Artemis, through JMS): the job's server sends each partition (JBeret's
 * {@link PartitionInfo}: the partition's execution, its resolved step and the job execution) to one queue, and every
 * server's partition workers take them, one per slot. A worker runs the partition in a transacted session and
 * acknowledges it in the same transaction that sends its result back, so that a partition whose worker dies (kill -9,
 * a lost connection) goes back to the queue and another worker runs it, from the last checkpoint that the dead one
 * committed to the job repository. Its part file is cut back to that checkpoint by the writer, as after any restart,
 * so the output holds each record once. Kept apart from {@link PartitionBroker} so that a server without the broker
 * never loads the JMS types.
 */
final class JmsPartitions {

    static final String PARTITIONS = "TuneledgerPartitions";
    static final String RESULTS = "TuneledgerPartitionResults";
    static final String STEP_EXECUTION = "stepExecutionId";
    private static final String JOB_EXECUTION = "jobExecutionId";
    static final String PARTITION = "partition";
    static final String STEP = "step";

    /** Results nobody collects (their job's server died) go away after a day. */
    private static final long RESULT_LIFETIME = Duration.ofDays(1).toMillis();

    /**
     * Types never read back from a message, whatever else it holds (a failed partition's exception can be of any
     * library's type): the known deserialization gadget families. The broker belongs on the servers' private network.
     */
    private static final ObjectInputFilter TYPES = ObjectInputFilter.Config.createFilter(
            "maxdepth=100;!org.apache.commons.collections.functors.*;!org.apache.commons.collections4.functors.*"
                    + ";!com.sun.org.apache.xalan.**;!org.codehaus.groovy.runtime.**;!org.springframework.beans.**"
                    + ";!javax.management.**;!java.rmi.**;!sun.rmi.**");

    private static final Logger LOG = Logger.getLogger(JmsPartitions.class.getName());

    private final ConnectionFactory factory;
    private final PartitionBroker broker;
    private final ClassLoader loader = JmsPartitions.class.getClassLoader();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;

    /** The client of the broker at {@code url}: one message at a time per consumer, reconnecting for ever. */
    JmsPartitions(String url, PartitionBroker broker) {
        this.factory = new ActiveMQConnectionFactory(url + "?consumerWindowSize=0&reconnectAttempts=-1"
                + "&retryInterval=1000&maxRetryInterval=5000&retryIntervalMultiplier=1.5");
        this.broker = broker;
    }

    /** Starts {@code slots} partition workers. */
    void start(ThreadFactory threads, int slots) {
        for (int i = 0; i < slots; i++) {
            Thread t = threads.newThread(this::consume);
            t.setName("tuneledger-partition-worker-" + i);
            workers.add(t);
            t.start();
        }
    }

    /** Stops the workers; a partition that one of them runs goes back to the queue for another server. */
    void close() {
        running = false;
        for (Thread t : workers) {
            t.interrupt();
        }
    }

    /** The coordinator's side for one partitioned step. */
    PartitionHandler handler(StepContextImpl stepContext) {
        return new Handler(stepContext);
    }

    // --- worker -----------------------------------------------------------------------------------------------------

    private void consume() {
        boolean disconnected = false;
        while (running) {
            try (JMSContext context = factory.createContext(JMSContext.SESSION_TRANSACTED)) {
                Queue partitions = context.createQueue(PARTITIONS);
                Queue results = context.createQueue(RESULTS);
                try (JMSConsumer consumer = context.createConsumer(partitions)) {
                    if (disconnected) {
                        disconnected = false;
                        LOG.info(() -> LogId.PARTITION_WORKER_DISCONNECTED + " A partition worker is connected to the"
                                + " broker again");
                    }
                    while (running) {
                        Message m = consumer.receive(1000);
                        if (m != null && runOne(context, results, m)) {
                            context.commit();
                        } else if (m != null) {
                            context.rollback();
                        }
                    }
                }
            } catch (JMSRuntimeException e) {
                if (running && !disconnected) {
                    disconnected = true;
                    LOG.log(Level.WARNING, LogId.PARTITION_WORKER_DISCONNECTED + " A partition worker lost the broker;"
                            + " it tries again every 5 s", e);
                }
                sleep(5000);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "A partition worker failed; it goes on with the next partition", e);
                sleep(1000);
            }
        }
    }

    /**
     * Runs one partition message; true when its result was sent (commit), false when this server gave it back (it is
     * shutting down).
     */
    private boolean runOne(JMSContext context, Queue results, Message message) {
        PartitionInfo info;
        int attempt;
        try {
            info = (PartitionInfo) read(message.getBody(byte[].class));
            attempt = message.getIntProperty("JMSXDeliveryCount");
        } catch (JMSException | IOException | ClassNotFoundException | RuntimeException e) {
            // A message that cannot be read cannot be run anywhere: said loudly, and reported FAILED to its job.
            LOG.log(Level.SEVERE, "A partition message could not be read; its partition fails: " + message, e);
            PartitionExecutionImpl failed = unreadable(message, e);
            if (failed != null) {
                send(context, results, failed, failed.getStepExecutionId());
            }
            return true;
        }
        JobExecutionImpl job = info.getJobExecution();
        PartitionExecutionImpl partition = info.getPartitionExecution();
        Step step = info.getStep();
        String key = job.getJobInstance().getInstanceId() + "/" + step.getId() + "/" + partition.getPartitionId();
        String status = broker.ownership().batchStatus(job.getExecutionId());
        if (status == null || !(status.equals("STARTING") || status.equals("STARTED"))) {
            // The job no longer runs (stopped, or its server died and it was taken over): not run; a job's server
            // that is stopping it hears the partition stopped.
            partition.setBatchStatus(BatchStatus.STOPPED);
            partition.setExitStatus(BatchStatus.STOPPED.name());
            send(context, results, partition, partition.getStepExecutionId());
            return true;
        }
        try {
            while (!broker.ownership().claimPartition(key, job.getExecutionId())) {
                // Another live process still runs it (it lost the broker, not its work): wait for its end or death.
                if (!running) {
                    return false;
                }
                Thread.sleep(broker.ownership().heartbeat().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            boolean resumed = broker.resumeFromRepository(partition);
            broker.started(job, step.getId(), partition.getPartitionId(), attempt, resumed);
            PartitionExecutionImpl done = run(info, context, results);
            send(context, results, done, done.getStepExecutionId());
            broker.ended(job, step.getId(), done);
            return true;
        } finally {
            broker.ownership().releasePartition(key);
        }
    }

    /** Runs the partition here, in this thread, as the job's server would have run it in one of its own. */
    private PartitionExecutionImpl run(PartitionInfo info, JMSContext context, Queue results) {
        JobExecutionImpl job = info.getJobExecution();
        Step step = info.getStep();
        PartitionExecutionImpl partition = info.getPartitionExecution();
        AbstractJobOperator operator = broker.jobOperator();
        BatchEnvironment environment = operator.getBatchEnvironment();
        JobContextImpl jobContext = new JobContextImpl(job, null,
                new ArtifactFactoryWrapper(environment.getArtifactFactory()), operator.getJobRepository(), environment);
        StepContextImpl stepContext = new StepContextImpl(step, partition, new AbstractContext[] {jobContext});
        PartitionExecutionImpl[] ended = new PartitionExecutionImpl[1];
        PartitionWorker worker = new PartitionWorker() {
            @Override
            public void reportData(Serializable data, AbstractStepExecution execution) {
                send(context, results, data, execution.getStepExecutionId());
            }

            @Override
            public void partitionDone(AbstractStepExecution execution) {
                ended[0] = (PartitionExecutionImpl) execution;
            }
        };
        Chunk chunk = step.getChunk();
        AbstractRunner<StepContextImpl> runner = chunk == null
                ? new BatchletRunner(stepContext, null, step.getBatchlet(), worker)
                : new ChunkRunner(stepContext, null, chunk, environment.getTransactionManager(), worker);
        broker.running(job);
        try {
            runner.run();
        } finally {
            broker.notRunning(job);
        }
        return ended[0] != null ? ended[0] : partition;
    }

    private void send(JMSContext context, Queue results, Serializable data, long stepExecutionId) {
        try {
            BytesMessage m = context.createBytesMessage();
            m.writeBytes(write(data));
            m.setLongProperty(STEP_EXECUTION, stepExecutionId);
            if (data instanceof PartitionExecutionImpl ended) {
                m.setIntProperty(PARTITION, ended.getPartitionId());
                m.setStringProperty(STEP, ended.getStepName());
            }
            context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).setTimeToLive(RESULT_LIFETIME)
                    .send(results, m);
        } catch (JMSException | IOException e) {
            throw new IllegalStateException("A partition's result could not be sent", e);
        }
    }

    // --- coordinator --------------------------------------------------------------------------------------------------

    /** The job's server: sends the partitions, and hands each result to the runtime's collector queue. */
    private final class Handler implements PartitionHandler, JobStopNotificationListener {

        private final long stepExecutionId;
        private final JobContextImpl jobContext;
        private final JMSContext context;
        private final Queue partitions;
        private volatile BlockingQueue<Boolean> finished;
        private volatile BlockingQueue<Serializable> collected;

        Handler(StepContextImpl stepContext) {
            stepExecutionId = stepContext.getStepExecutionId();
            jobContext = stepContext.getJobContext();
            context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
            partitions = context.createQueue(PARTITIONS);
            JMSConsumer consumer = context.createConsumer(context.createQueue(RESULTS),
                    STEP_EXECUTION + " = " + stepExecutionId);
            consumer.setMessageListener(this::result);
        }

        private void result(Message message) {
            try {
                Serializable data = (Serializable) read(message.getBody(byte[].class));
                if (data instanceof PartitionExecutionImpl && finished != null) {
                    finished.offer(Boolean.TRUE);
                }
                collected.put(data);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (JMSException | IOException | ClassNotFoundException | RuntimeException e) {
                LOG.log(Level.SEVERE, "A partition result of step execution " + stepExecutionId
                        + " could not be read", e);
                PartitionExecutionImpl failed = unreadable(message, e);
                if (failed != null) {
                    // the partition's end, unreadable: counted as a failed partition rather than waited for
                    if (finished != null) {
                        finished.offer(Boolean.TRUE);
                    }
                    collected.offer(failed);
                }
            }
        }

        @Override
        public void setResourceTracker(BlockingQueue<Boolean> completedPartitionThreads) {
            finished = completedPartitionThreads;
        }

        @Override
        public void setCollectorDataQueue(BlockingQueue<Serializable> collectorDataQueue) {
            collected = collectorDataQueue;
        }

        @Override
        public void submitPartitionTask(StepContextImpl partitionContext, int index, int count) throws Exception {
            PartitionExecutionImpl partition = (PartitionExecutionImpl) partitionContext.getStepExecution();
            JobExecutionImpl job = partitionContext.getJobContext().getJobExecution();
            BytesMessage m = context.createBytesMessage();
            m.writeBytes(write(new PartitionInfo(partition, partitionContext.getStep(), job)));
            m.setLongProperty(STEP_EXECUTION, stepExecutionId);
            m.setLongProperty(JOB_EXECUTION, job.getExecutionId());
            m.setIntProperty(PARTITION, partition.getPartitionId());
            m.setStringProperty(STEP, partitionContext.getStepName());
            context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).send(partitions, m);
        }

        /**
         * Marks the execution and its partitions STOPPING in the job repository: a worker's partition finds its next
         * checkpoint refused and stops there, as the runtime does for a stop from another process; a partition not
         * yet taken is reported stopped without running.
         */
        @Override
        public void stopRequested(long jobExecutionId) {
            jobContext.getJobRepository().stopJobExecution(jobContext.getJobExecution());
        }

        @Override
        public void close(StepContextImpl stepContext) {
            context.close();
        }
    }

    // --- messages ---------------------------------------------------------------------------------------------------

    /**
     * A FAILED end for the partition that an unreadable message names (by its properties), so that its job fails
     * with the reason instead of waiting for it; null when the message names no partition (collector data).
     */
    static PartitionExecutionImpl unreadable(Message message, Exception why) {
        try {
            if (!message.propertyExists(PARTITION) || !message.propertyExists(STEP_EXECUTION)) {
                return null;
            }
            PartitionExecutionImpl failed = new PartitionExecutionImpl(message.getIntProperty(PARTITION),
                    message.getLongProperty(STEP_EXECUTION), message.getStringProperty(STEP), BatchStatus.FAILED,
                    BatchStatus.FAILED.name(), null, null, null);
            failed.setException(new IllegalStateException("The partition's message could not be read: " + why));
            return failed;
        } catch (JMSException e) {
            return null;
        }
    }

    static byte[] write(Serializable data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(data);
        }
        return bytes.toByteArray();
    }

    /** Reads a message body with the application's classes (the runtime's and the artifacts' types). */
    Object read(byte[] body) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(body)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass type) throws IOException, ClassNotFoundException {
                try {
                    return Class.forName(type.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    return super.resolveClass(type);
                }
            }
        }) {
            in.setObjectInputFilter(TYPES);
            return in.readObject();
        } catch (InvalidClassException e) {
            throw new IOException("A partition message holds a type that is not read: " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
