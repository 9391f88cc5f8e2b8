package io.tuneledger.api;

import java.util.List;

/**
 * What this server runs on: database, Java, data store and data roots; its name among the servers that share the
 * database, and those servers as the database last heard of them ({@code live} while their heartbeat is fresh).
 */
public record SystemInfo(String database, String databaseVersion, String javaVersion, String storeHome,
        List<String> dataRoots, String server, List<ServerView> servers) {

    /** A server sharing the database: its name, when its process started and last beat (ISO-8601), live or not. */
    public record ServerView(String name, String started, String heartbeat, boolean live) {
    }
}
