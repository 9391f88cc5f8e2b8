package io.tuneledger.data;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the configured {@link DataStore} injectable in the server. */
@ApplicationScoped
public class DataStoreProducer {

    @Produces
    @Singleton
    DataStore dataStore() {
        return DataStore.fromSystemProperties();
    }
}
