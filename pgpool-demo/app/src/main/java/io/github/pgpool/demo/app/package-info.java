/**
 * The demo's sample web application, deployed into embedded Payara next to pgpool.rar. It is compiled apart from the
 * runner (into target/app-classes) and reaches the server only inside the WAR the runner packs.
 */
package io.github.pgpool.demo.app;
