package io.github.pgpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.pgpool.api.PoolMXBean;
import io.github.pgpool.api.PoolSettings;
import java.lang.management.ManagementFactory;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

class PoolJmxTest {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private static PgPool pool(String name) {
        PoolSettings s = PoolSettings.builder().databaseName("db").poolName(name).password("jmx-Secret-99")
                .maxSize(3).build();
        return PgPool.builder(s).connectionFactory(new StubFactory()).clock(FakeClock.manual())
                .scheduler(new ManualScheduler()).build();
    }

    /**
     * A live change over JMX, for servers that apply configuration only on reload: the successor serves at once
     * under the same name, the old pool's connection closes when it comes back, a bad value changes nothing and
     * says why.
     */
    @Test
    void changeSettingReplacesThePoolUnderTheSameNameAndRefusesBadValues() throws Exception {
        PgPool pool = pool("jmx change");
        ObjectName name = pool.mxBeanName().orElseThrow();
        PoolMXBean bean = JMX.newMXBeanProxy(server, name, PoolMXBean.class);
        PooledConnection held = pool.borrow();

        bean.changeSetting("MaxSize", "2");
        PgPool next = pool.successor().orElseThrow();
        assertThat(next.settings().maxSize()).isEqualTo(2);
        assertThat(next.mxBeanName()).contains(name);
        assertThat(bean.getMaxSize()).as("the name now serves the successor").isEqualTo(2);
        assertThat(pool.statistics().total()).as("the old pool keeps its connection in use").isEqualTo(1);
        PooledConnection late = pool.borrow(); // a late borrower of the old pool is served by the successor
        assertThat(next.statistics().active()).as("the late borrower, and the old pool's connection in use")
                .isEqualTo(2);
        late.release();
        held.release();
        assertThat(pool.statistics().total()).as("the old connection closed on return").isZero();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bean.changeSetting("MaxSize", "-1"))
                .hasMessageContaining("MaxSize").hasMessageContaining("-1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bean.changeSetting("PoolName", "other"))
                .hasMessageContaining("PoolName");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bean.changeSetting("NoSuch", "1"))
                .hasMessageContaining("NoSuch");
        assertThat(next.successor()).as("nothing changed by the refused calls").isEmpty();
        pool.close(); // its holder knows only the first pool: closing it closes what it became
        assertThat(next.isClosed()).isTrue();
        assertThat(server.isRegistered(name)).isFalse();
    }

    @Test
    void publishesFiguresSettingsAndOperationsWhileThePoolIsOpen() throws Exception {
        PgPool pool = pool("jmx test");
        ObjectName name = pool.mxBeanName().orElseThrow();
        assertThat(name.toString()).isEqualTo("io.github.pgpool:type=Pool,name=\"jmx test\"");
        PoolMXBean bean = JMX.newMXBeanProxy(server, name, PoolMXBean.class);

        PooledConnection busy = pool.borrow();
        pool.borrow().release();
        assertThat(bean.getTotal()).isEqualTo(2);
        assertThat(bean.getActive()).isEqualTo(1);
        assertThat(bean.getIdle()).isEqualTo(1);
        assertThat(bean.getBorrows()).isEqualTo(2);
        assertThat(bean.getMaxSize()).isEqualTo(3);
        assertThat(bean.getSettings()).containsEntry("MaxSize", "3").containsEntry("Password", "*****");

        bean.evictIdle();
        assertThat(bean.getIdle()).isZero();
        assertThat(bean.getClosedEvicted()).isEqualTo(1);
        busy.release();

        StringBuilder everything = new StringBuilder();
        for (var attribute : server.getMBeanInfo(name).getAttributes()) {
            Object value = server.getAttribute(name, attribute.getName());
            if (value instanceof TabularData) {
                for (Object row : ((TabularData) value).values()) {
                    everything.append(((CompositeData) row).values());
                }
            } else {
                everything.append(value);
            }
        }
        assertThat(everything.toString()).doesNotContain("jmx-Secret-99");

        pool.close();
        assertThat(server.isRegistered(name)).as("unregistered when the pool closes").isFalse();
    }

    @Test
    void aSecondPoolOfTheSameNameGetsItsOwnEntry() {
        PgPool first = pool("twin");
        PgPool second = pool("twin");
        try {
            assertThat(second.mxBeanName().orElseThrow()).isNotEqualTo(first.mxBeanName().orElseThrow());
            assertThat(second.mxBeanName().orElseThrow().getKeyProperty("instance")).isEqualTo("2");
        } finally {
            first.close();
            second.close();
        }
        assertThat(server.queryNames(null, null).stream().map(ObjectName::toString))
                .noneMatch(n -> n.contains("twin"));
    }
}
