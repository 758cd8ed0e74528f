/**
 * The server-side half of the integration tests: a small web application (servlets, EJBs, a JPA entity) that uses
 * pgpool resources the way an application would. The client-side tests drive it over HTTP and observe PostgreSQL
 * directly, so every assertion about physical connections is made from outside the server.
 *
 * <p>These classes are compiled into {@code target/classes} and packed into the test WAR from there; they are never
 * on the test JVM's classpath (embedded Payara would otherwise load them from there, not from the WAR).
 */
package io.github.pgpool.it.app;
