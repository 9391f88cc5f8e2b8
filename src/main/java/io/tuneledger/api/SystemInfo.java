package io.tuneledger.api;

import java.util.List;

/** What this server runs on: database, Java, data store and data roots. */
public record SystemInfo(String database, String databaseVersion, String javaVersion, String storeHome,
        List<String> dataRoots) {
}
