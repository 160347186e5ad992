/**
 * Not API: helpers shared by safespawn's own modules (errno and signal names,
 * program look-up). The module exports this package to
 * {@code dev.safespawn.strategies} only; it may change in any release.
 */
package dev.safespawn.internal;
