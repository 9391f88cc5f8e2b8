/**
 * The dataset and model registries (Hibernate entities): versions with their hashes, lineage and status.
 */
package io.tuneledger.registry;
