package io.github.pgpool.api;

/**
 * A setting was given a value that breaks its rule. The message names the setting, the value given (masked for
 * secrets) and the rule, for example {@code MaxSize=0 is invalid: must be a whole number from 1 to 100000}.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String setting;
    private final String rule;

    /**
     * @param setting the setting's name as administrators write it, e.g. {@code MaxWait}
     * @param shownValue the value as it may be shown (already masked if secret)
     * @param rule what a valid value looks like
     */
    public InvalidSettingException(String setting, String shownValue, String rule) {
        super(setting + "=" + shownValue + " is invalid: " + rule);
        this.setting = setting;
        this.rule = rule;
    }

    /** @return the name of the setting whose value was rejected */
    public String setting() {
        return setting;
    }

    /** @return the rule the value broke, in words */
    public String rule() {
        return rule;
    }
}
