package dev.pmfx.balance;

/**
 * What the balancer counted for one worker.
 *
 * @param requests requests (HTTP) or connections (TCP) it was given, since it joined
 * @param inFlight those not finished yet
 * @param errors those that failed: refused, cut off, or answered 502 on its behalf
 * @param p50Millis median latency of its recent requests, from request to the response's end
 * @param p99Millis 99th percentile of the same
 */
public record BackendStats(
    int workerId,
    String address,
    boolean draining,
    long requests,
    int inFlight,
    long errors,
    double p50Millis,
    double p99Millis) {}
