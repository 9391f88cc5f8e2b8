/**
 * The dataset and model registries (Hibernate entities): versions with their hashes, lineage and status. A
 * registration or promotion and its ledger event commit together; the model version's records are built here.
 */
package io.tuneledger.registry;
