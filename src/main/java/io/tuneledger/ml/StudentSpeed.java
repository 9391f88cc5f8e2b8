package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * A distilled student beside its teacher on size and speed: the weights each holds, and the texts per second each
 * predicts when both run the same texts (the test split), one after the other, in the same process, with the same
 * batching. Measured by the distill job's baseline step; times depend on the machine, the ratio much less.
 */
public record StudentSpeed(int texts, long teacherParameters, long studentParameters, double teacherTextsPerSecond,
        double studentTextsPerSecond) {

    /** How many times faster the student predicts. */
    public double speedup() {
        return studentTextsPerSecond / teacherTextsPerSecond;
    }

    /** The student's share of the teacher's weights. */
    public double sizeRatio() {
        return (double) studentParameters / teacherParameters;
    }

    public JsonObject toJson() {
        return Json.createObjectBuilder().add("texts", texts).add("teacherParameters", teacherParameters)
                .add("studentParameters", studentParameters).add("teacherTextsPerSecond", teacherTextsPerSecond)
                .add("studentTextsPerSecond", studentTextsPerSecond).add("speedup", speedup()).build();
    }

    public static StudentSpeed fromJson(JsonObject json) {
        return new StudentSpeed(json.getInt("texts"), json.getJsonNumber("teacherParameters").longValue(),
                json.getJsonNumber("studentParameters").longValue(),
                json.getJsonNumber("teacherTextsPerSecond").doubleValue(),
                json.getJsonNumber("studentTextsPerSecond").doubleValue());
    }
}
