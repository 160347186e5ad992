/**
 * The {@code safespawn} command: {@code doctor}, {@code run}, {@code demo} and
 * {@code bench}. An application of the public API, not a library.
 */
package dev.safespawn.cli;
