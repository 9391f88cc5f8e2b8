package io.tuneledger.ml;

/**
 * Learning rate with linear warm-up from 0 to the peak over the first {@code warmupSteps}, then linear decay to 0 at
 * {@code totalSteps} (the schedule of Hugging Face's {@code get_linear_schedule_with_warmup}).
 */
public record LinearSchedule(float peak, int warmupSteps, int totalSteps) {

    public static LinearSchedule of(float peak, float warmupRatio, int totalSteps) {
        return new LinearSchedule(peak, (int) Math.ceil(warmupRatio * totalSteps), totalSteps);
    }

    /** The rate for the update made at 0-based {@code step}. */
    public float rate(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / (float) warmupSteps;
        }
        int decaySteps = Math.max(1, totalSteps - warmupSteps);
        return peak * Math.max(0f, (totalSteps - step) / (float) decaySteps);
    }
}
