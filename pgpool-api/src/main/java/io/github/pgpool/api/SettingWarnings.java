package io.github.pgpool.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Finds combinations of valid settings that cannot do what the administrator meant, such as a ConnectTimeout that
 * MaxWait always cuts short. Each finding is one sentence naming the settings, their values and the consequence; the
 * pool logs them once when it starts. Valid settings are never rejected for these: each one alone is meaningful.
 * Stateless.
 */
final class SettingWarnings {
    private SettingWarnings() {
    }

    static List<String> of(SettingValues v) {
        List<String> w = new ArrayList<>();
        // A timeout left at its default was not chosen against this MaxWait: being cut short there is by design.
        if (longer(v.connectTimeout, v.maxWait) && !isDefault(PoolSetting.CONNECT_TIMEOUT, v.connectTimeout)) {
            w.add("ConnectTimeout=" + t(v.connectTimeout) + " is longer than MaxWait=" + t(v.maxWait) + ": a "
                    + "borrower never waits longer than MaxWait, so an attempt to connect is cut off at MaxWait and "
                    + "ConnectTimeout has no effect beyond it.");
        }
        if (longer(v.validationTimeout, v.maxWait) && !isDefault(PoolSetting.VALIDATION_TIMEOUT, v.validationTimeout)) {
            w.add("ValidationTimeout=" + t(v.validationTimeout) + " is longer than MaxWait=" + t(v.maxWait) + ": a "
                    + "borrower never waits longer than MaxWait, so a validity check is cut off at MaxWait and "
                    + "ValidationTimeout has no effect beyond it.");
        }
        if (!v.cleanup.isZero() && !v.expires.isZero() && v.cleanup.compareTo(v.expires) >= 0) {
            w.add("Cleanup=" + t(v.cleanup) + " is not shorter than Expires=" + t(v.expires) + ": every connection "
                    + "reaches its maximum lifetime before it can be idle that long, so Cleanup never closes "
                    + "anything; make Cleanup shorter than Expires, or 0.");
        }
        boolean byCleanup = !v.cleanup.isZero() && (v.expires.isZero() || v.cleanup.compareTo(v.expires) <= 0);
        Duration closesIdle = byCleanup ? v.cleanup : v.expires;
        if (!v.validateIdle.isZero() && !closesIdle.isZero() && v.validateIdle.compareTo(closesIdle) >= 0) {
            w.add("ValidateIdle=" + t(v.validateIdle) + " is not shorter than " + (byCleanup ? "Cleanup=" : "Expires=")
                    + t(closesIdle) + ": idle connections are closed before they are idle long enough to be "
                    + "checked, so no connection is ever checked before it is handed out.");
        }
        if (v.sessionReset == SessionResetMode.NONE) {
            w.add("SessionReset=none: session state (SET, temporary tables, prepared statements, LISTEN) is never "
                    + "discarded and reaches the next borrower; use it only behind PgBouncer in transaction "
                    + "pooling." + (preparesOnServer(v) ? " PgBouncer before 1.21 also needs prepareThreshold=0 "
                    + "in DriverProperties (or the Url), or statements fail with 'prepared statement does not "
                    + "exist'." : ""));
        }
        if (v.url.hostCount() > 1 && !v.url.properties().containsKey("targetServerType")
                && !v.driverProperties.values().containsKey("targetServerType")) {
            w.add("Url names " + v.url.hostCount() + " hosts without targetServerType: connections go to whichever "
                    + "host answers first, a read-only standby included; add targetServerType=primary to the Url "
                    + "for a pool that writes.");
        }
        return Collections.unmodifiableList(w);
    }

    private static boolean preparesOnServer(SettingValues v) {
        String threshold = property(v, "prepareThreshold");
        String mode = property(v, "preferQueryMode");
        return !"0".equals(threshold == null ? null : threshold.trim()) && !"simple".equals(mode);
    }

    private static String property(SettingValues v, String key) {
        Map<String, String> fromUrl = v.url.properties();
        return fromUrl.containsKey(key) ? fromUrl.get(key) : v.driverProperties.values().get(key);
    }

    private static boolean isDefault(PoolSetting s, Duration value) {
        return s.defaultText().map(text -> Durations.parse(s.displayName(), text).equals(value)).orElse(false);
    }

    private static boolean longer(Duration a, Duration b) {
        return a.compareTo(b) > 0;
    }

    private static String t(Duration d) {
        return Durations.format(d);
    }
}
