package io.github.pgpool.jca;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.resource.ResourceException;
import org.junit.jupiter.api.Test;

/** Which server failures are Payara's gap while it re-creates a pool, told by the frame that threw them. */
class ServerPoolGapTest {
    @Test
    void thePoolManagersNullPoolIsTheGapInEitherMethod() {
        assertThat(ServerPoolGap.isGap(thrownAt(new NullPointerException("pool is null"),
                "com.sun.enterprise.resource.pool.PoolManagerImpl", "getResource"))).isTrue();
        assertThat(ServerPoolGap.isGap(thrownAt(new NullPointerException("pool is null"),
                "com.sun.enterprise.resource.pool.PoolManagerImpl", "getResourceFromPool"))).isTrue();
    }

    @Test
    void theConnectionManagersMissingPoolMetaDataIsTheGap() {
        assertThat(ServerPoolGap.isGap(thrownAt(new ResourceException("pgpool-it: No Pool Meta Data object "
                + "associated with the pool : pgpool-it. Try redeploying the application."),
                "com.sun.enterprise.connectors.ConnectionManagerImpl", "validateResourceAndPool"))).isTrue();
    }

    @Test
    void aMissingOrDisabledResourceIsReportedAtOnce() {
        assertThat(ServerPoolGap.isGap(thrownAt(new ResourceException("No such resource : jdbc/x"),
                "com.sun.enterprise.connectors.ConnectionManagerImpl", "validateResourceAndPool"))).isFalse();
        assertThat(ServerPoolGap.isGap(thrownAt(new ResourceException("jdbc/x is not enabled"),
                "com.sun.enterprise.connectors.ConnectionManagerImpl", "validateResourceAndPool"))).isFalse();
    }

    @Test
    void anythingElseIsNot() {
        assertThat(ServerPoolGap.isGap(new NullPointerException("a bug elsewhere"))).isFalse();
        assertThat(ServerPoolGap.isGap(thrownAt(new NullPointerException("x"),
                "com.sun.enterprise.resource.pool.ConnectionPool", "getResource"))).isFalse();
        assertThat(ServerPoolGap.isGap(thrownAt(new ResourceException("x"),
                "com.sun.enterprise.connectors.ConnectionManagerImpl", "internalGetConnection"))).isFalse();
        assertThat(ServerPoolGap.isGap(thrownAt(new IllegalStateException("x"),
                "com.sun.enterprise.resource.pool.PoolManagerImpl", "getResource"))).isFalse();
        NullPointerException noFrames = new NullPointerException();
        noFrames.setStackTrace(new StackTraceElement[0]);
        assertThat(ServerPoolGap.isGap(noFrames)).isFalse();
    }

    private static <E extends Exception> E thrownAt(E e, String type, String method) {
        e.setStackTrace(new StackTraceElement[] {new StackTraceElement(type, method, "X.java", 1)});
        return e;
    }
}
