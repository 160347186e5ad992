/**
 * The benchmark harness: safespawn's strategies against ProcessBuilder,
 * Commons Exec, NuProcess, Python and a C floor, reported as same-run ratios
 * in {@code benchmarks/RESULTS.md}.
 */
package dev.safespawn.benchmarks;
