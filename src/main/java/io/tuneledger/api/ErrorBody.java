package io.tuneledger.api;

import io.tuneledger.launch.ParameterError;
import java.util.List;

/** Error response: {@code {"errors":[{"parameter","message"}]}}; parameter is null for errors not about one. */
public record ErrorBody(List<ParameterError> errors) {

    public static ErrorBody of(String parameter, String message) {
        return new ErrorBody(List.of(new ParameterError(parameter, message)));
    }
}
