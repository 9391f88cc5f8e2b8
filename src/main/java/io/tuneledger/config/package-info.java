/**
 * The lowest layer, shared by every other package: job parameters written once (name, default, rule, typed parsing,
 * whether a restart may change them), version references, and the ids of the log messages operators grep.
 */
package io.tuneledger.config;
