package io.tuneledger.launch;

/** A job parameter that cannot be used, and why. */
public record ParameterError(String parameter, String message) {
}
