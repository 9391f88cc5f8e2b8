package io.tuneledger.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that authenticate the ledger, kept where the database is not: a PKCS#12 key store of HMAC-SHA256 keys
 * ({@code ledger-keys.p12}, mode 600) and its random password ({@code ledger-keys.password}, mode 600) in one directory
 * under the server's configuration. Each key has an id, {@code k1}, {@code k2}, ...; the newest signs new events, the
 * older ones stay to verify the events they signed (a rotation adds a key and never removes one). Created with its
 * first key when missing. Someone who can write the database but not this directory cannot make a rewritten event's
 * MAC.
 */
public final class LedgerKeys {

    static final String STORE = "ledger-keys.p12";
    static final String PASSWORD = "ledger-keys.password";
    private static final String ALGORITHM = "HmacSHA256";

    private final Path dir;
    private final char[] password;
    private final TreeMap<Integer, SecretKey> keys = new TreeMap<>();

    private LedgerKeys(Path dir, char[] password) {
        this.dir = dir;
        this.password = password;
    }

    /** Opens the key store in {@code dir}, creating the directory, the store and its first key when missing. */
    public static synchronized LedgerKeys open(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                try {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the directory keeps its default permissions
                }
            }
            Path store = dir.resolve(STORE);
            Path passwordFile = dir.resolve(PASSWORD);
            if (!Files.exists(store)) {
                byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                writePrivately(passwordFile, password.getBytes(StandardCharsets.UTF_8));
                LedgerKeys keys = new LedgerKeys(dir, password.toCharArray());
                keys.addKey();
                return keys;
            }
            if (!Files.exists(passwordFile)) {
                throw new IllegalStateException("The ledger key store " + store + " has no password file "
                        + passwordFile + ": restore both from the backup");
            }
            LedgerKeys keys = new LedgerKeys(dir,
                    Files.readString(passwordFile, StandardCharsets.UTF_8).trim().toCharArray());
            keys.load();
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the ledger key store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The id of the key that signs new events. */
    public synchronized String currentId() {
        return id(keys.lastKey());
    }

    /** Every key id, oldest first. */
    public synchronized java.util.List<String> ids() {
        return keys.keySet().stream().map(LedgerKeys::id).toList();
    }

    /** HMAC-SHA256 of {@code text} with key {@code keyId}, as hex; null when the store has no such key. */
    public synchronized String mac(String keyId, String text) {
        SecretKey key = keyId == null || !keyId.matches("k[0-9]{1,9}") ? null
                : keys.get(Integer.parseInt(keyId.substring(1)));
        if (key == null) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable: " + e.getMessage(), e);
        }
    }

    /** Adds a new key, which signs from now on; answers its id. */
    public synchronized String rotate() {
        try {
            return addKey();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot add a key to the ledger key store in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    public Path directory() {
        return dir;
    }

    private String addKey() throws IOException {
        byte[] material = new byte[32];
        new SecureRandom().nextBytes(material);
        int number = keys.isEmpty() ? 1 : keys.lastKey() + 1;
        TreeMap<Integer, SecretKey> next = new TreeMap<>(keys);
        next.put(number, new SecretKeySpec(material, ALGORITHM));
        save(next);
        keys.clear();
        keys.putAll(next);
        return id(number);
    }

    private void load() throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve(STORE))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (alias.matches("k[0-9]{1,9}")) {
                    keys.put(Integer.parseInt(alias.substring(1)),
                            (SecretKey) store.getKey(alias, password));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The ledger key store " + dir.resolve(STORE) + " cannot be read with its"
                    + " password file: " + e.getMessage(), e);
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException("The ledger key store " + dir.resolve(STORE) + " holds no key");
        }
    }

    /** Writes the whole store to a temporary file and moves it into place: a crash leaves the old or the new one. */
    private void save(Map<Integer, SecretKey> all) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, password);
            for (Map.Entry<Integer, SecretKey> e : all.entrySet()) {
                store.setEntry(id(e.getKey()), new KeyStore.SecretKeyEntry(e.getValue()),
                        new KeyStore.PasswordProtection(password));
            }
            Path tmp = dir.resolve(STORE + ".tmp");
            Files.deleteIfExists(tmp);
            createPrivately(tmp);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                store.store(out, password);
            }
            try {
                Files.move(tmp, dir.resolve(STORE), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(STORE), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot write the ledger key store: " + e.getMessage(), e);
        }
    }

    private static void writePrivately(Path file, byte[] content) throws IOException {
        Files.deleteIfExists(file);
        createPrivately(file);
        Files.write(file, content);
    }

    private static void createPrivately(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }

    private static String id(int number) {
        return "k" + number;
    }
}
