/**
 * The REST API under /api: JAX-RS resources, their DTOs, error mapping, and the authentication filter with the
 * roles each call needs. Resources only translate HTTP; the work is in launch, registry and audit.
 */
package io.tuneledger.api;
