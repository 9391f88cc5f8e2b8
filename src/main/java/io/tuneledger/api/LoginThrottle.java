package io.tuneledger.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Failed sign-ins counted per client address, with a growing delay: an address may fail {@link #FREE_FAILURES} times
 * in a row, then each further failure makes it wait before its next attempt (1 s, 2 s, 4 s, ... at most
 * {@link #MAX_DELAY_MILLIS}); an attempt during the wait is refused without its credentials being checked. A
 * success from the address starts its count again, and so do {@link #FORGET_MILLIS} without a failure. The user
 * names tried play no part: a flood from one address slows that address down and nobody else, and no identity is
 * ever locked (the realm's own lock-out is off on purpose: docs/operations.md, Sign-in throttling).
 * <p>
 * The failures and refusals of one address form a burst that ends after {@code burstGapMillis} without either; the
 * caller records the first failure of a burst at once and the whole burst, with its counts, when it ends
 * ({@link #endedBursts}), so that a flood is two ledger events, not one per attempt. IPv6 clients count per /64
 * network (one host holds a whole /64). Not thread-safe on its own: every method is synchronized.
 */
public final class LoginThrottle {

    /** Failures in a row an address may have before it must wait. */
    public static final int FREE_FAILURES = 5;

    /** The first wait; each further failure doubles it. */
    public static final long FIRST_DELAY_MILLIS = 1_000;

    /** The longest wait. */
    public static final long MAX_DELAY_MILLIS = 15 * 60_000;

    /** An address's failures are forgotten after this long without one. */
    public static final long FORGET_MILLIS = 15 * 60_000;

    /** At most this many addresses are tracked; beyond, the one quiet for longest is dropped (its burst reported). */
    static final int MAX_ADDRESSES = 100_000;

    /** At most this many distinct user names are kept per burst. */
    static final int MAX_USERS = 20;

    /** What to do with an attempt: go ahead, or wait {@code retryAfterMillis}. */
    public record Decision(boolean allowed, long retryAfterMillis) {
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfterMillis + 999) / 1000);
        }
    }

    /** A burst of failures from one address, as recorded when it ends. */
    public record Burst(String address, long firstMillis, long lastMillis, int failed, int refused,
            List<String> users, long longestDelayMillis) {
    }

    private static final class Client {
        final String address;
        int failuresInARow;
        long lastFailure;
        long blockedUntil;
        // the open burst
        long burstFirst = -1;
        long burstLast;
        int burstFailed;
        int burstRefused;
        long burstLongestDelay;
        final TreeSet<String> burstUsers = new TreeSet<>();

        Client(String address) {
            this.address = address;
        }

        Burst closeBurst() {
            Burst b = new Burst(address, burstFirst, burstLast, burstFailed, burstRefused,
                    List.copyOf(burstUsers), burstLongestDelay);
            burstFirst = -1;
            burstFailed = 0;
            burstRefused = 0;
            burstLongestDelay = 0;
            burstUsers.clear();
            return b;
        }
    }

    private final long burstGapMillis;

    /** Access order: the eldest entry is the one quiet for longest. */
    private final LinkedHashMap<String, Client> clients = new LinkedHashMap<>(256, 0.75f, true);

    private final List<Burst> evicted = new ArrayList<>();

    public LoginThrottle(long burstGapMillis) {
        this.burstGapMillis = burstGapMillis;
    }

    /** Whether an attempt from {@code address} may be checked now; a refused one counts in the address's burst. */
    public synchronized Decision check(String address, long now) {
        Client c = clients.get(key(address));
        if (c == null || now >= c.blockedUntil) {
            return new Decision(true, 0);
        }
        c.burstRefused++;
        c.burstLast = now;
        return new Decision(false, c.blockedUntil - now);
    }

    /** How long {@code address} must still wait, in milliseconds (0: not at all); counts nothing. */
    public synchronized long waitMillis(String address, long now) {
        Client c = clients.get(key(address));
        return c == null ? 0 : Math.max(0, c.blockedUntil - now);
    }

    /**
     * Counts a failed attempt; true when it opens a burst (the caller records it at once). {@code user} may be null
     * (no user name could be read).
     */
    public synchronized boolean failed(String address, String user, long now) {
        String key = key(address);
        Client c = clients.get(key);
        if (c == null) {
            c = new Client(key);
            clients.put(key, c);
            evictBeyondLimit();
        }
        if (now - c.lastFailure > FORGET_MILLIS) {
            c.failuresInARow = 0;
        }
        c.failuresInARow++;
        c.lastFailure = now;
        if (c.failuresInARow > FREE_FAILURES) {
            int doublings = Math.min(c.failuresInARow - FREE_FAILURES - 1, 30);
            long delay = Math.min(FIRST_DELAY_MILLIS << doublings, MAX_DELAY_MILLIS);
            c.blockedUntil = now + delay;
            c.burstLongestDelay = Math.max(c.burstLongestDelay, delay);
        }
        boolean opens = c.burstFirst < 0;
        if (opens) {
            c.burstFirst = now;
        }
        c.burstLast = now;
        c.burstFailed++;
        if (user != null && c.burstUsers.size() < MAX_USERS) {
            c.burstUsers.add(user);
        }
        return opens;
    }

    /** A successful sign-in from {@code address}: its failures in a row start again from none. */
    public synchronized void succeeded(String address) {
        Client c = clients.get(key(address));
        if (c != null) {
            c.failuresInARow = 0;
            c.blockedUntil = 0;
        }
    }

    /**
     * The bursts that ended by {@code now} (no failure or refusal for the burst gap) or whose address was dropped;
     * each is returned once. Addresses with nothing left to remember are dropped.
     */
    public synchronized List<Burst> endedBursts(long now) {
        List<Burst> ended = new ArrayList<>(evicted);
        evicted.clear();
        for (Iterator<Client> it = clients.values().iterator(); it.hasNext(); ) {
            Client c = it.next();
            if (c.burstFirst >= 0 && now - c.burstLast >= burstGapMillis) {
                ended.add(c.closeBurst());
            }
            if (c.burstFirst < 0 && now >= c.blockedUntil && now - c.lastFailure > FORGET_MILLIS) {
                it.remove();
            }
        }
        return ended;
    }

    /** Every open burst, closed now (at shutdown). */
    public synchronized List<Burst> closeAll() {
        List<Burst> all = new ArrayList<>(evicted);
        evicted.clear();
        for (Client c : clients.values()) {
            if (c.burstFirst >= 0) {
                all.add(c.closeBurst());
            }
        }
        return all;
    }

    private void evictBeyondLimit() {
        while (clients.size() > MAX_ADDRESSES) {
            Iterator<Map.Entry<String, Client>> eldest = clients.entrySet().iterator();
            Client c = eldest.next().getValue();
            if (c.burstFirst >= 0) {
                evicted.add(c.closeBurst());
            }
            eldest.remove();
        }
    }

    /** The key of a client address: itself for IPv4, its /64 network for IPv6. */
    static String key(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return String.valueOf(address);
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length != 16) {
                return address;
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                b.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return b.append(":/64").toString();
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
