package io.tuneledger.batch;

import java.io.Serializable;

/**
 * One input record of the score step: its record number in the input (0-based, the merge order), its id, and its
 * cleaned text, or why it cannot be scored ({@code error}).
 */
public record ScoreItem(long number, String id, String text, String error) implements Serializable {
}
