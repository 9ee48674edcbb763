package io.openpaas.deploy.targets;

import io.openpaas.common.consumer.Backoff;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Guards the calls a target makes to one remote endpoint (a cluster's API server, ArgoCD,
 * Rancher, a Git remote): retries with backoff where the call is safe to repeat, and a circuit
 * breaker that fails fast while the endpoint keeps failing, so that an unreachable cluster fails
 * its deployments with a clear reason instead of holding rollout workers (docs/clusters.md).
 * Each call's own timeout is the client's (every client a target builds has one).
 */
public final class OutboundGuard {

    /** A failure that says nothing about the endpoint's health (a 4xx answer): not retried, not counted. */
    public static class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    /** The tool's refusal of one call (a 4xx), as a rollout's failure: it says nothing about the endpoint's health. */
    public static class RefusedFailure extends DeployFailure {
        public RefusedFailure(String reason) {
            super(reason);
        }
    }

    private final String endpoint;
    private final int attempts;
    private final Backoff backoff;
    private final int openAfter;
    private final Duration openFor;
    private int consecutiveFailures;
    private long openUntil;
    private String lastFailure = "";

    public OutboundGuard(String endpoint, int attempts, Backoff backoff, int openAfter, Duration openFor) {
        this.endpoint = endpoint;
        this.attempts = Math.max(1, attempts);
        this.backoff = backoff;
        this.openAfter = openAfter;
        this.openFor = openFor;
    }

    /** The defaults of every target: 3 attempts 0.5 s then 1 s apart; open for 30 s after 5 failures in a row. */
    public static OutboundGuard forEndpoint(String endpoint) {
        return new OutboundGuard(endpoint, 3, new Backoff(Duration.ofMillis(500), Duration.ofSeconds(4)), 5, Duration.ofSeconds(30));
    }

    /** A call that may be repeated (a read, an apply, an upsert): retried on failure. */
    public <T> T idempotent(String what, Callable<T> call) throws DeployFailure, InterruptedException {
        return run(what, call, attempts);
    }

    /** A call that must not be repeated blindly (a commit pushed, a sync started): tried once. */
    public <T> T once(String what, Callable<T> call) throws DeployFailure, InterruptedException {
        return run(what, call, 1);
    }

    private <T> T run(String what, Callable<T> call, int tries) throws DeployFailure, InterruptedException {
        Exception last = null;
        for (int attempt = 1; attempt <= tries; attempt++) {
            synchronized (this) {
                if (System.nanoTime() < openUntil) {
                    throw new DeployFailure(endpoint + " is unreachable (" + consecutiveFailures + " failures in a row; calls paused for "
                            + openFor.toSeconds() + " s): " + lastFailure);
                }
            }
            try {
                T result = call.call();
                synchronized (this) {
                    consecutiveFailures = 0;
                }
                return result;
            } catch (InterruptedException e) {
                throw e;
            } catch (Refused e) {
                throw new RefusedFailure(what + ": " + e.getMessage());
            } catch (DeployFailure e) {
                throw e;
            } catch (Exception e) {
                last = e;
                synchronized (this) {
                    lastFailure = describe(e);
                    if (++consecutiveFailures >= openAfter) {
                        openUntil = System.nanoTime() + openFor.toNanos();
                    }
                }
                if (attempt < tries) {
                    Thread.sleep(backoff.delay(attempt).toMillis());
                }
            }
        }
        throw new DeployFailure(what + " failed: " + endpoint + " did not answer (" + describe(last) + ")");
    }

    /** The failure's message without anything a URL or header may carry (credentials are never in a message we build). */
    private static String describe(Exception e) {
        if (e == null) {
            return "no attempt";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }
}
