/**
 * Small example programs, each a {@code main} that uses the public API only;
 * a test runs every one of them.
 */
package dev.safespawn.examples;
