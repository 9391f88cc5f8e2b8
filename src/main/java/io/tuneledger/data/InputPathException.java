package io.tuneledger.data;

/** An input path that cannot be used: not found, not a readable file, or outside every data root. */
public class InputPathException extends Exception {

    private static final long serialVersionUID = 1L;

    public InputPathException(String message) {
        super(message);
    }
}
