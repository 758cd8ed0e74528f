package io.github.pgpool.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation of the benchmark JVM: {@code -prof io.github.pgpool.bench.CpuPerOpProfiler}. It reads the
 * process's user+sys CPU time ({@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime}) before and after
 * each iteration and divides the difference by the operations of that iteration, all threads together.
 *
 * <p>Why not {@code -prof perfnorm}: this machine's virtual CPU has no hardware counters ({@code perf stat} says
 * "instructions: not supported"), so perfnorm would have nothing to normalise. Process CPU time counts everything
 * the JVM burns for the operations: the pool's own work, spinning, the kernel's park/unpark (futex) work and the
 * context switches they cause, plus JIT and GC threads (the same for every pool) and, with PostgreSQL, pgjdbc's
 * client-side work; the server's backends are other processes and not counted.
 *
 * <p>Thread safety: JMH calls one profiler instance from one thread, before and after each iteration; the one
 * mutable field is only touched there.
 */
public final class CpuPerOpProfiler implements InternalProfiler {
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long cpuAtStart;

    @Override
    public String getDescription() {
        return "process user+sys CPU time per operation (OperatingSystemMXBean), for machines without perf counters";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuAtStart = os.getProcessCpuTime();
    }

    @Override
    public List<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        long cpu = os.getProcessCpuTime() - cpuAtStart;
        // All operations of the iteration, the ones in JMH's synchronisation phases included: the CPU window spans
        // them too.
        long ops = result.getMetadata().getAllOps();
        double perOp = ops > 0 ? (double) cpu / ops : Double.NaN;
        return List.of(new ScalarResult("cpu.ns/op", perOp, "ns/op", AggregationPolicy.AVG));
    }
}
