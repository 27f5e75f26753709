package org.mailward.gateway.inbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the hooks of one phase in order, each on a virtual thread with a time limit. The first Accept, Reject or
 * TempFail ends the phase; headers from Continue verdicts are collected. A hook that times out or throws yields a
 * TempFail (451 4.3.0): never a hang, never an accidental acceptance.
 */
public final class HookRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);

    private final List<InboundHook> hooks;
    private final Duration timeLimit;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    public HookRunner(List<InboundHook> hooks, Duration timeLimit) {
        this.hooks = List.copyOf(hooks);
        this.timeLimit = timeLimit;
    }

    /** The phase outcome: the deciding verdict (Continue when none decided), headers to add and to remove. */
    public record Outcome(HookVerdict verdict, List<String> headers, List<String> removeHeaders) {
    }

    public Outcome run(String phase, Function<InboundHook, HookVerdict> call) {
        List<String> headers = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        for (InboundHook h : hooks) {
            HookVerdict v;
            Future<HookVerdict> f = executor.submit(() -> call.apply(h));
            try {
                v = f.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
                if (v == null) {
                    throw new ExecutionException(new NullPointerException("hook returned null"));
                }
            } catch (TimeoutException e) {
                f.cancel(true);
                LOG.warn("hook {} timed out in phase {} after {} ms", h.name(), phase, timeLimit.toMillis());
                v = HookVerdict.tempFail(451, "4.3.0", "Policy check " + h.name() + " timed out; try again later");
            } catch (ExecutionException e) {
                LOG.error("hook {} failed in phase {}", h.name(), phase, e.getCause());
                v = HookVerdict.tempFail(451, "4.3.0", "Policy check " + h.name() + " failed; try again later");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                v = HookVerdict.tempFail(421, "4.3.2", "Shutting down");
            }
            switch (v) {
                case HookVerdict.Continue c -> {
                    headers.addAll(c.addHeaders());
                    remove.addAll(c.removeHeaders());
                }
                case HookVerdict.Accept a -> {
                    return new Outcome(a, headers, remove);
                }
                case HookVerdict.Quarantine q -> {
                    headers.addAll(q.addHeaders());
                    remove.addAll(q.removeHeaders());
                    LOG.info("hook {} quarantined in phase {}: {}", h.name(), phase, q.reason());
                    return new Outcome(q, headers, remove);
                }
                case HookVerdict.Reject r -> {
                    LOG.info("hook {} rejected in phase {}: {} {} {}", h.name(), phase, r.code(), r.enhanced(), r.text());
                    return new Outcome(r, headers, remove);
                }
                case HookVerdict.TempFail t -> {
                    return new Outcome(t, headers, remove);
                }
            }
        }
        return new Outcome(HookVerdict.proceed(), headers, remove);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
