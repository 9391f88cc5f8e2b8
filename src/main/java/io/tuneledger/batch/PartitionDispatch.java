package io.tuneledger.batch;

import jakarta.enterprise.inject.spi.CDI;
import org.jberet.runtime.context.StepContextImpl;
import org.jberet.runtime.runner.StepExecutionRunner;
import org.jberet.runtime.runner.ThreadPartitionHandlerFactory;
import org.jberet.spi.PartitionHandler;
import org.jberet.spi.PartitionHandlerFactory;

/**
 * JBeret's partition handler factory (its SPI, loaded through ServiceLoader from
 * META-INF/services/org.jberet.spi.PartitionHandlerFactory): the partitions of a step go over the broker when
 * {@link PartitionBroker} says so, and otherwise to the runtime's own threads, as without this class.
 */
public final class PartitionDispatch implements PartitionHandlerFactory {

    @Override
    public PartitionHandler createPartitionHandler(StepContextImpl stepContext, StepExecutionRunner runner) {
        PartitionHandler overBroker = CDI.current().select(PartitionBroker.class).get().handler(stepContext);
        return overBroker != null ? overBroker
                : ThreadPartitionHandlerFactory.getInstance().createPartitionHandler(stepContext, runner);
    }
}
