/**
 * Engine-free model concepts: base models, training configuration, schedules, metrics, provenance.
 */
package io.tuneledger.ml;
